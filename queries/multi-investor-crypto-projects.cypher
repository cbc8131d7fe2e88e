// Question: Which crypto projects have two or more recorded investors, and how much funding is disclosed on those edges?
// disclosed_usd_b sums amount_usd_b over the edges (0 if none); an edge often carries the whole round's size, so co-investors in one round (Zama) double-count.
MATCH (i:Company)-[r:INVESTS_IN]->(p:Project)
WITH p, sum(r.amount_usd_b) AS disclosed, count(DISTINCT i) AS investors, collect(DISTINCT i.id) AS investor_ids
WHERE investors >= 2
RETURN p.id AS project, p.segment AS segment, investors, investor_ids, coalesce(disclosed, 0.0) AS disclosed_usd_b
ORDER BY investors DESC, disclosed_usd_b DESC, project
