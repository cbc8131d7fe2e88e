// Question: Of the chips each crypto compute network lists, which are data-centre parts (80 GB or more)?
// A list comprehension filters and maps the collected chips; the second keeps the HBM ones.
MATCH (n:Project {segment: 'compute'})-[:OFFERS|USES]->(c:Chip)
WITH n, c
ORDER BY c.id
WITH n, collect(c) AS chips
RETURN n.id AS network, size(chips) AS listed,
       [x IN chips WHERE x.memory_gb >= 80 | x.id] AS datacenter,
       [x IN chips WHERE x.memory STARTS WITH 'HBM' | x.memory] AS hbm
ORDER BY network
