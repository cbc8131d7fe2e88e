// Question: Who rents out a given GPU model, crypto networks and centralised clouds alike, and since when?
// Params: chip=a100
MATCH (x)-[r:OFFERS]->(c:Chip {id: $chip})
RETURN x.id AS provider, x.layer AS layer, x.segment AS segment, coalesce(r.since, r.as_of) AS dated, r.price_usd_per_hour AS usd_per_hour
ORDER BY layer, provider
