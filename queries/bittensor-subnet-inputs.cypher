// Question: What hardware, companies and networks do Bittensor subnets depend on (USES or RUNS_ON)?
MATCH (s:Project)-[:BUILT_ON]->(:Project {id: 'bittensor'})
MATCH (s)-[:USES|RUNS_ON]->(x)
RETURN s.netuid AS netuid, s.id AS subnet, x.id AS depends_on, x.layer AS layer
ORDER BY netuid, subnet, depends_on
