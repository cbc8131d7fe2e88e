// Question: Which investors back the most crypto x AI projects in the graph, and which projects are they?
MATCH (i:Company)-[:INVESTS_IN]->(p:Project)
RETURN i.id AS investor, i.segment AS segment, count(DISTINCT p) AS projects, collect(DISTINCT p.id) AS portfolio
ORDER BY projects DESC, investor
