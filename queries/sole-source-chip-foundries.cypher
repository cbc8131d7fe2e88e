// Question: Which chips have exactly one company that manufactures them, and who is that sole source?
MATCH (f:Company)-[:MANUFACTURES]->(c:Chip)
WITH c, count(DISTINCT f) AS makers
WHERE makers = 1
MATCH (sole:Company)-[:MANUFACTURES]->(c)
RETURN c.id AS chip, c.name AS name, sole.id AS sole_maker
ORDER BY sole_maker, chip
