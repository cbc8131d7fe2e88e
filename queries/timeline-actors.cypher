// Question: Who and what took part in each AI milestone, in date order?
MATCH (e:Event)-[:INVOLVED]->(x)
RETURN e.start AS date, e.name AS event, count(DISTINCT x) AS participants, collect(DISTINCT x.name) AS who
ORDER BY date, event
