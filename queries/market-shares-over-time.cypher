// Question: How have the holders' shares of a given market moved from one measurement date to the next?
// Params: market=cloud-infrastructure-services
MATCH (s)-[r:SELLS_IN]->(m:Market {id: $market})
WHERE r.share_pct IS NOT NULL
RETURN r.as_of AS as_of, s.id AS holder, r.share_pct AS share_pct, r.share_of AS series
ORDER BY as_of, share_pct DESC, holder
