// Question: Which companies feed the NVIDIA H100 through chains of manufacturing, packaging and supply, and at which tier does each first appear?
// Follows only "forward" supply relations (from = upstream), so every hop points down the chain: e.g. zeiss -> asml -> tsmc -> h100.
MATCH p = (s:Company)-[:MANUFACTURES|PACKAGES|SUPPLIES*1..3]->(c:Chip {id: 'h100'})
RETURN s.id AS supplier, s.segment AS segment, min(length(p)) AS tier, count(*) AS routes
ORDER BY tier, supplier
