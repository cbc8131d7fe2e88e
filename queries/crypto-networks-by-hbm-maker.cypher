// Question: Which crypto compute networks depend, through the GPUs they rent, on each HBM maker?
// Three hops (network -> GPU -> HBM generation <- maker) with a filter and an aggregation.
MATCH (n:Project {segment: 'compute'})-[:OFFERS|USES]->(c:Chip)-[:CONTAINS]->(h:Technology)<-[:MANUFACTURES]-(m:Company)
WHERE h.id STARTS WITH 'hbm'
RETURN m.name AS maker, count(DISTINCT n) AS networks, collect(DISTINCT n.id) AS which
ORDER BY networks DESC, maker
