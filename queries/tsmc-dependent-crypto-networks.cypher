// Question: Which crypto projects rent out or use chips that TSMC manufactures, and do any of their chips come from another foundry?
// Taiwan exposure of the crypto layer; other_fab_chips counts the project's chips made by a non-TSMC fab (Samsung's RTX 3090).
MATCH (t:Company {id: 'tsmc'})-[:MANUFACTURES]->(c:Chip)<-[:OFFERS|USES]-(p:Project)
WITH p, count(DISTINCT c) AS tsmc_chips, collect(DISTINCT c.id) AS tsmc_chip_ids
OPTIONAL MATCH (p)-[:OFFERS|USES]->(o:Chip)<-[:MANUFACTURES]-(f:Company)
WHERE f.id <> 'tsmc'
RETURN p.id AS project, tsmc_chips, tsmc_chip_ids, count(DISTINCT o) AS other_fab_chips
ORDER BY tsmc_chips DESC, project
