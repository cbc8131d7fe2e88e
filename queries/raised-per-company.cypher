// Question: How much has each company or project raised in the rounds the data records, and in how many rounds?
// Sums each round once (rounds with no disclosed amount count as rounds but add nothing).
MATCH (rd:Round)-[:FUNDS]->(p)
RETURN p.id AS raiser, p.layer AS layer, count(rd) AS rounds, sum(coalesce(rd.amount_usd, 0.0)) AS raised_usd
ORDER BY raised_usd DESC, raiser
