// Question: For each GPU model, how many crypto networks rent it out, and which ones?
MATCH (p:Project)-[:OFFERS]->(c:Chip)
RETURN c.id AS chip, c.name AS name, count(DISTINCT p) AS networks, collect(DISTINCT p.id) AS network_ids
ORDER BY networks DESC, chip
