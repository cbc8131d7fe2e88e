// Question: What is the full lineage path from the old RNDR token through its successor to the network that issues it and the chain it runs on?
// Returns the whole path (a path variable) with its length.
MATCH p = (old:Token {id: 'rndr-token'})-[:SUCCEEDED_BY]->(t:Token)<-[:ISSUES]-(n:Project)-[:RUNS_ON]->(chain:Project)
RETURN p, length(p) AS hops, chain.id AS chain_id
ORDER BY chain_id
