// Question: What does each crypto compute network look like: GPU models offered, networks it aggregates, chains it runs on and tokens it issues?
// OPTIONAL MATCH keeps networks that lack one of these links (counts are 0 there).
MATCH (p:Project) WHERE p.segment = 'compute'
OPTIONAL MATCH (p)-[:OFFERS]->(c:Chip)
WITH p, count(DISTINCT c) AS gpu_models
OPTIONAL MATCH (p)-[:AGGREGATES]->(a)
WITH p, gpu_models, count(DISTINCT a) AS aggregated
OPTIONAL MATCH (p)-[:RUNS_ON]->(chain:Project)
WITH p, gpu_models, aggregated, count(DISTINCT chain) AS chains
OPTIONAL MATCH (p)-[:ISSUES]->(t:Token)
RETURN p.id AS network, p.gpus AS gpus_claimed, gpu_models, aggregated, chains, count(DISTINCT t) AS tokens
ORDER BY gpu_models DESC, network
