// Question: What share of each HBM series do SK hynix, Samsung and Micron hold, generation by generation?
MATCH (m:Company)-[r:MANUFACTURES]->(t:Technology)
WHERE t.id STARTS WITH 'hbm' AND r.share_pct IS NOT NULL
RETURN t.id AS hbm, r.share_of AS series, r.as_of AS as_of, m.id AS maker, r.share_pct AS share_pct, r.confidence AS confidence
ORDER BY hbm, as_of, share_pct DESC, maker
