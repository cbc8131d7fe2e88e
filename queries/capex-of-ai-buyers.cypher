// Question: How much are the biggest buyers of AI compute spending on capital expenditure, by their latest reported year?
// capex_usd is the latest reported (not projected) observation at or before the view's day; revenue_usd likewise.
MATCH (c:Company)
WHERE c.capex_usd IS NOT NULL
RETURN c.id AS company, c.capex_usd AS capex_usd, c.capex_usd_as_of AS as_of, c.revenue_usd AS revenue_usd
ORDER BY capex_usd DESC, company
