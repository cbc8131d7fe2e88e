// Question: How long is each chip family's chain of successors from its first recorded generation, and how did memory grow along it?
// Path variable with a bounded SUCCEEDED_BY*1..5; the OPTIONAL MATCH keeps only paths that start at a family's first chip.
MATCH p = (origin:Chip)-[:SUCCEEDED_BY*1..5]->(later:Chip)
OPTIONAL MATCH (prev:Chip)-[:SUCCEEDED_BY]->(origin)
WITH origin, later, prev, length(p) AS generations
WHERE prev IS NULL
RETURN origin.id AS first_chip, later.id AS later_chip, generations, origin.memory_gb AS first_memory_gb, later.memory_gb AS later_memory_gb
ORDER BY first_chip, generations
