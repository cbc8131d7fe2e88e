// Question: What does each export-control rule in the data restrict, and since when?
// One row per rule, oldest first, with the restricted nodes' ids in order.
MATCH (r:Regulation)-[:RESTRICTS]->(x)
WITH r, x ORDER BY x.id
RETURN r.id AS rule, r.start AS since, r.jurisdiction AS jurisdiction, count(x) AS targets, collect(x.id) AS restricted
ORDER BY since, rule
