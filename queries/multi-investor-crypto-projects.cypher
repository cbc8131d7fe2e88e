// Question: Which crypto projects have two or more recorded investors, and how much funding is disclosed on those edges?
// disclosed_usd sums amount_usd (US dollars) over the edges (0 if none); an edge often carries the whole round's size, so co-investors in one round (Zama) double-count until the round is a Round node of its own.
MATCH (i:Company)-[r:INVESTS_IN]->(p:Project)
WITH p, sum(r.amount_usd) AS disclosed, count(DISTINCT i) AS investors, collect(DISTINCT i.id) AS investor_ids
WHERE investors >= 2
RETURN p.id AS project, p.segment AS segment, investors, investor_ids, coalesce(disclosed, 0.0) AS disclosed_usd
ORDER BY investors DESC, disclosed_usd DESC, project
