// Question: What are the decentralised compute networks' tokens worth, by their latest market-cap observation?
// market_cap_usd is the latest observation at or before the view's day (run with --as-of DATE for another day);
// networks with no observation show null.
MATCH (p:Project)-[:ISSUES]->(t:Token)
WHERE p.segment = 'compute'
RETURN p.id AS network, t.id AS token, t.market_cap_usd AS market_cap_usd, t.market_cap_usd_as_of AS as_of, t.total_supply AS total_supply
ORDER BY network, token
