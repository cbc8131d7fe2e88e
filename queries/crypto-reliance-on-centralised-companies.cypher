// Question: Which centralised companies (chip makers, clouds, labs) do crypto projects rely on through USES, AGGREGATES or RUNS_ON?
MATCH (p:Project)-[:USES|AGGREGATES|RUNS_ON]->(c:Company)
RETURN c.id AS company, c.layer AS layer, count(DISTINCT p) AS crypto_projects, collect(DISTINCT p.id) AS project_ids
ORDER BY crypto_projects DESC, company
