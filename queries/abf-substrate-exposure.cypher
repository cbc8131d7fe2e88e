// Question: Which accelerators and chip makers sit downstream of Ajinomoto's ABF film, and how many supply steps away?
// Follows the supply relations forward from the film through the substrate makers (at most 3 steps).
MATCH p = (a:Company {id: 'ajinomoto'})-[:MANUFACTURES|SUPPLIES|USES*1..3]-(x)
WHERE x.layer IN ['hardware', 'semiconductors'] AND x.id <> 'ajinomoto'
RETURN x.id AS dependant, x.layer AS layer, min(length(p)) AS steps
ORDER BY steps, dependant
