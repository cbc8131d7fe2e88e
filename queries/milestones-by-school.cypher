// Question: Which school of AI (symbolism, connectionism, behaviourism) does each dated milestone trace back to through the concept hierarchy?
MATCH p = (e:Event)-[:PART_OF*1..4]->(s:Concept)
WHERE s.segment = 'school'
RETURN e.start AS date, e.name AS milestone, s.id AS school, min(length(p)) AS hops
ORDER BY date, milestone, school
