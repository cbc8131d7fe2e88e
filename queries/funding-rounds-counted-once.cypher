// Question: Which funding rounds fund the chain, how large were they, and who led them?
// A round is a node of its own, so its amount is counted once however many investors joined it; 0 where undisclosed.
MATCH (rd:Round)-[:FUNDS]->(p)
OPTIONAL MATCH (i)-[l:INVESTS_IN]->(rd)
WHERE l.lead = true
WITH rd, p, i ORDER BY i.id
RETURN p.id AS raiser, rd.id AS round, rd.start AS announced, coalesce(rd.amount_usd, 0.0) AS amount_usd, collect(i.id) AS leads
ORDER BY amount_usd DESC, raiser, round
