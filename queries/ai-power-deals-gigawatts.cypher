// Question: Which AI labs and hyperscalers signed power and capacity deals, with whom, for how many gigawatts, and are they delivering yet?
// gw is a typed edge property; status "announced" means planned, not yet supplying. Biggest first.
MATCH (s)-[r:SUPPLIES]->(b:Company)
WHERE r.gw IS NOT NULL AND s.layer = 'edge'
RETURN b.id AS buyer, s.id AS supplier, s.segment AS supplier_segment, r.gw AS gw, coalesce(r.status, 'operating') AS status, r.since AS since
ORDER BY gw DESC, buyer, supplier
