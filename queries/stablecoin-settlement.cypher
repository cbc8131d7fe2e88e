// Question: Which crypto x AI projects settle payments in which tokens or stablecoins, and who issues those tokens?
MATCH (p)-[:SETTLES_IN]->(t:Token)
OPTIONAL MATCH (issuer)-[:ISSUES]->(t)
RETURN t.id AS token, issuer.id AS issuer, p.id AS settles_here, p.segment AS segment
ORDER BY token, settles_here
