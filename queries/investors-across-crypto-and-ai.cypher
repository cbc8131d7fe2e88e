// Question: Which investors hold stakes both in crypto projects and in AI or infrastructure companies?
MATCH (i:Company)-[:INVESTS_IN]->(p:Project)
MATCH (i)-[:INVESTS_IN]->(c:Company)
RETURN DISTINCT i.id AS investor, i.name AS name
ORDER BY investor
