// Question: Which GPUs are rented out both by decentralised crypto networks and by centralised clouds, and by how many of each?
MATCH (p:Project)-[:OFFERS]->(c:Chip)<-[:OFFERS]-(k:Company)
RETURN c.id AS chip, count(DISTINCT p) AS crypto_networks, count(DISTINCT k) AS clouds, collect(DISTINCT k.id) AS cloud_ids
ORDER BY crypto_networks DESC, clouds DESC, chip
