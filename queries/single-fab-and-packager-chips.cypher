// Question: Which chips have a single foundry and a single advanced packager, and are both the same company?
MATCH (m:Company)-[:MANUFACTURES]->(c:Chip)
WITH c, count(DISTINCT m) AS makers
MATCH (k:Company)-[:PACKAGES]->(c)
WITH c, makers, count(DISTINCT k) AS packagers
WHERE makers = 1 AND packagers = 1
MATCH (f:Company)-[:MANUFACTURES]->(c)<-[:PACKAGES]-(f)
RETURN c.id AS chip, c.name AS name, f.id AS fab_and_packager
ORDER BY chip
