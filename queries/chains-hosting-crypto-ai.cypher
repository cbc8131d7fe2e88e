// Question: Which blockchains host the most crypto x AI projects and tokens?
MATCH (x)-[:RUNS_ON]->(c:Project)
WHERE c.segment = 'chain'
RETURN c.id AS chain, count(DISTINCT x) AS hosted, collect(DISTINCT x.id) AS hosted_ids
ORDER BY hosted DESC, chain
