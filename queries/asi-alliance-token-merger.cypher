// Question: Which tokens merged into FET for the Artificial Superintelligence Alliance, at what conversion rate, and which projects issued them?
// fet_per_token is an edge property of MERGED_INTO; CUDOS has no recorded rate (null).
MATCH (p:Project)-[:ISSUES]->(t:Token)-[m:MERGED_INTO]->(fet:Token {id: 'fet-token'})
OPTIONAL MATCH (p)-[pm:MERGED_INTO]->(alliance:Org)
RETURN t.ticker AS token, p.name AS issuer, m.since AS merged_since, m.fet_per_token AS fet_per_token, alliance.id AS joined_org, pm.until AS left_org
ORDER BY token
