// Question: Which buyers account for the largest shares of demand: CoWoS wafers, high-end AI servers, and suppliers' revenue?
// Demand-side shares sit on USES and BUYS_IN edges from the buyer; share_of names what the share measures.
MATCH (b:Company)-[r:USES|BUYS_IN]->(x)
WHERE r.share_pct IS NOT NULL
RETURN r.share_of AS series, r.as_of AS as_of, b.id AS buyer, x.id AS seller_or_market, r.share_pct AS share_pct
ORDER BY series, as_of, share_pct DESC, buyer
