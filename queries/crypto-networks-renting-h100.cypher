// Question: Which crypto compute networks rent out NVIDIA H100s, and at what listed hourly price?
// Only OFFERS edges count (a network renting the GPU out); price_usd_per_hour is set on few edges, so most rows show null.
MATCH (p:Project)-[r:OFFERS]->(c:Chip {id: 'h100'})
RETURN p.id AS network, p.name AS name, p.segment AS segment, r.price_usd_per_hour AS usd_per_hour, r.since AS since
ORDER BY network
