// Question: How concentrated is each market series, measured as the Herfindahl-Hirschman index (sum of squared percentage shares) grouped by share_of and as_of?
// HHI over the listed holders only (a lower bound when covered_pct < 100); above 2500 counts as highly concentrated. Compare with `aikg concentration`.
MATCH (s)-[r:SELLS_IN|MANUFACTURES]->()
WHERE r.share_pct IS NOT NULL
RETURN r.share_of AS series, r.as_of AS as_of, count(*) AS holders, sum(r.share_pct) AS covered_pct, sum(r.share_pct * r.share_pct) AS hhi
ORDER BY hhi DESC, series, as_of
