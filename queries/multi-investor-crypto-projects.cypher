// Question: Which crypto projects have two or more recorded investors, and how much funding is disclosed?
// Investors count whether they invest directly or through a funding round (a Round node); disclosed_usd sums
// each round's amount once, plus the amounts on direct INVESTS_IN edges (0 if none).
MATCH (p:Project)
OPTIONAL MATCH (rd:Round)-[:FUNDS]->(p)
WITH p, sum(coalesce(rd.amount_usd, 0.0)) AS in_rounds
OPTIONAL MATCH (i1:Company)-[d:INVESTS_IN]->(p)
WITH p, in_rounds, sum(coalesce(d.amount_usd, 0.0)) AS direct_usd, collect(i1.id) AS direct
OPTIONAL MATCH (i2:Company)-[:INVESTS_IN]->(:Round)-[:FUNDS]->(p)
WITH p, in_rounds + direct_usd AS disclosed, direct, collect(i2.id) AS via_rounds
UNWIND direct + via_rounds AS inv
WITH p, disclosed, inv ORDER BY inv
WITH p, disclosed, collect(DISTINCT inv) AS investor_ids
WHERE size(investor_ids) >= 2
RETURN p.id AS project, p.segment AS segment, size(investor_ids) AS investors, investor_ids, disclosed AS disclosed_usd
ORDER BY investors DESC, disclosed_usd DESC, project
