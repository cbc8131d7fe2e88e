// Question: Which layers of the chain consume TSMC-made or TSMC-packaged chips directly, and how many distinct dependants does each layer have?
// Dependants are nodes that OFFER, USE, CONTAIN or were TRAINED_ON a chip TSMC manufactures or packages.
MATCH (t:Company {id: 'tsmc'})-[:MANUFACTURES|PACKAGES]->(c:Chip)<-[:OFFERS|USES|CONTAINS|TRAINED_ON]-(d)
RETURN d.layer AS layer, count(DISTINCT d) AS dependants, count(DISTINCT c) AS tsmc_chips
ORDER BY dependants DESC, layer
