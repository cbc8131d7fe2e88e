// Question: Which former crypto miners now host AI compute, for which customers and contract value, and who has taken a stake in them?
// Miners are found by tag (bitcoin-miner-pivot, ex-crypto-miner); contracts_usd sums the disclosed contract_usd (0 when none is disclosed).
MATCH (m:Company)
WHERE 'bitcoin-miner-pivot' IN m.tags OR 'ex-crypto-miner' IN m.tags
OPTIONAL MATCH (m)-[s:SUPPLIES]->(c:Company)
WITH m, sum(s.contract_usd) AS disclosed, collect(DISTINCT c.id) AS customers
OPTIONAL MATCH (i:Company)-[:INVESTS_IN]->(m)
WITH m, customers, coalesce(disclosed, 0.0) AS contracts_usd, collect(DISTINCT i.id) AS investors
RETURN m.id AS host, m.segment AS segment, customers, contracts_usd, investors
ORDER BY contracts_usd DESC, host
