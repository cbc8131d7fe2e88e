// Question: Which Bittensor subnets are in the graph, by netuid, what segment are they in and who develops them?
// Masa is BUILT_ON bittensor without a netuid (null); OPTIONAL MATCH keeps subnets with no recorded developer.
MATCH (s:Project)-[:BUILT_ON]->(b:Project {id: 'bittensor'})
OPTIONAL MATCH (d:Company)-[:DEVELOPS]->(s)
RETURN s.netuid AS netuid, s.id AS subnet, s.name AS name, s.segment AS segment, d.id AS developer
ORDER BY netuid, subnet
