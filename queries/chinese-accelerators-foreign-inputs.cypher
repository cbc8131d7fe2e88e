// Question: Which Chinese accelerators depend on foreign foundries, memory, packaging or tools, directly or one tier up?
// A chip designed by a company tagged china, and every supplier not tagged china within two forward supply steps
// (e.g. ASML SUPPLIES SMIC MANUFACTURES the chip), with the shortest distance.
MATCH (d:Company)-[:DESIGNS]->(c:Chip)
WHERE 'china' IN d.tags
MATCH p = (s:Company)-[:MANUFACTURES|SUPPLIES|PACKAGES*1..2]->(c)
WHERE NOT 'china' IN s.tags
RETURN c.id AS chip, d.id AS designer, s.id AS foreign_supplier, min(length(p)) AS steps
ORDER BY chip, steps, foreign_supplier
