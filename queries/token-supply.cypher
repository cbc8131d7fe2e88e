// Question: Which tokens have a recorded total supply, and as of when?
MATCH (t:Token) WHERE t.total_supply IS NOT NULL
RETURN t.id AS token, t.total_supply AS total_supply, t.total_supply_as_of AS as_of
ORDER BY token
