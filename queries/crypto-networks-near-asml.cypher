// Question: Which crypto projects sit within four supply hops of ASML's lithography, and how close does the nearest route come?
// Undirected, bounded to *1..4 over supply relations; an undirected walk may also pass through a sibling customer, so read hops as proximity, not strict tiers.
MATCH p = (n:Project)-[:MANUFACTURES|PACKAGES|SUPPLIES|CONTAINS|USES|OFFERS*1..4]-(a:Company {id: 'asml'})
RETURN n.id AS project, n.segment AS segment, min(length(p)) AS hops
ORDER BY hops, project
