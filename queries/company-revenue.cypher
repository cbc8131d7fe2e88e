// Question: Which companies have a recorded revenue, and for which year?
MATCH (c:Company) WHERE c.revenue_usd IS NOT NULL
RETURN c.id AS company, c.revenue_usd AS revenue_usd, c.revenue_usd_as_of AS year
ORDER BY revenue_usd DESC, company
