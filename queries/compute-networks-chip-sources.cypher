// Question: Which crypto compute networks list a chip at all, which of those chips TSMC makes, and which networks also use a company's hardware directly?
// Pattern predicates and EXISTS subqueries, inside CASE.
MATCH (n:Project {segment: 'compute'})
RETURN n.id AS network,
       CASE
         WHEN NOT (n)-[:OFFERS|USES]->(:Chip) THEN 'no chip listed'
         WHEN EXISTS { MATCH (n)-[:OFFERS|USES]->(c:Chip) WHERE NOT (c)<-[:MANUFACTURES]-(:Company {id: 'tsmc'}) } THEN 'some chip not made by TSMC'
         ELSE 'every chip made by TSMC'
       END AS chips,
       EXISTS { MATCH (n)-[:USES]->(m:Company) WHERE m.layer = 'hardware' } AS uses_hardware_company
ORDER BY network
