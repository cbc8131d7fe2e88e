// Question: Which accelerators do AI labs and big buyers use directly, and who designs each of them?
MATCH (u:Company)-[:USES]->(c:Chip)<-[:DESIGNS]-(d:Company)
RETURN u.id AS user, c.id AS chip, count(DISTINCT d) AS designers, collect(DISTINCT d.id) AS designer_ids
ORDER BY user, chip
