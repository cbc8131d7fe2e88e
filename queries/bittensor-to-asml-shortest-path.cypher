// Question: How many supply hops separate the Bittensor network from ASML's lithography, and through which nodes?
// One shortest route on this data (through Chutes, the H200 and its HBM maker Micron). Kuzu spells it MATCH p = (b)-[:BUILT_ON|USES|... * SHORTEST 1..6]-(a).
MATCH p = shortestPath((b:Project {id: 'bittensor'})-[:BUILT_ON|USES|OFFERS|MANUFACTURES|PACKAGES|SUPPLIES|CONTAINS*..6]-(a:Company {id: 'asml'}))
RETURN length(p) AS hops, p
