// Question: Which HBM generation does each accelerator contain, and which memory makers produce that generation?
MATCH (c:Chip)-[:CONTAINS]->(t:Technology)<-[:MANUFACTURES]-(m:Company)
WHERE t.id STARTS WITH 'hbm'
RETURN c.id AS chip, t.id AS hbm, count(DISTINCT m) AS makers, collect(DISTINCT m.id) AS maker_ids
ORDER BY makers, chip
