// Question: Which technologies have only one maker or developer in the graph, and who depends on them directly?
// A technology with one MANUFACTURES/DESIGNS/DEVELOPS source is a candidate chokepoint (EUV lithography: ASML).
MATCH (m:Company)-[:MANUFACTURES|DESIGNS|DEVELOPS]->(t:Technology)
WITH t, count(DISTINCT m) AS makers
WHERE makers = 1
MATCH (m:Company)-[:MANUFACTURES|DESIGNS|DEVELOPS]->(t)<-[:USES|CONTAINS]-(d)
RETURN t.id AS technology, m.id AS sole_maker, count(DISTINCT d) AS dependants, collect(DISTINCT d.id) AS dependant_ids
ORDER BY dependants DESC, technology
