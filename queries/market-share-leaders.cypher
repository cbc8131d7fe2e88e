// Question: Who holds the largest share of each market, per measurement series (share_of) and date (as_of), and how large is it?
// Shares of Market nodes sit on SELLS_IN edges; technology output shares (MANUFACTURES) are in hbm-share-by-generation.
MATCH (s)-[r:SELLS_IN]->(m:Market)
WHERE r.share_pct IS NOT NULL
WITH m, r.share_of AS series, r.as_of AS as_of, max(r.share_pct) AS top_share
MATCH (leader)-[r2:SELLS_IN]->(m)
WHERE r2.share_of = series AND r2.as_of = as_of AND r2.share_pct = top_share
RETURN m.id AS market, series, as_of, leader.id AS leader_id, top_share
ORDER BY top_share DESC, market, as_of, leader_id
