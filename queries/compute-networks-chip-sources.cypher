// Question: Which crypto compute networks list a chip at all, which list a chip made by a company other than TSMC, and which also use a hardware company's gear directly?
// Pattern predicates and EXISTS subqueries, inside CASE.
MATCH (n:Project {segment: 'compute'})
RETURN n.id AS network,
       CASE
         WHEN NOT (n)-[:OFFERS|USES]->(:Chip) THEN 'no chip listed'
         WHEN EXISTS { MATCH (n)-[:OFFERS|USES]->(:Chip)<-[:MANUFACTURES]-(m:Company) WHERE m.id <> 'tsmc' } THEN 'a chip made by another foundry'
         ELSE 'only TSMC-made chips'
       END AS chips,
       EXISTS { MATCH (n)-[:USES]->(m:Company) WHERE m.layer = 'hardware' } AS uses_hardware_company
ORDER BY network
