// Question: Which clouds do the AI labs run on, and how large are the disclosed contracts, biggest first?
// Deal size in US dollars is contract_usd or, for OpenAI-Azure, commitment_usd; 0 where undisclosed. Labs can have several dated deals with one cloud.
MATCH (l:Company)-[r:RUNS_ON]->(c:Company)
WHERE l.segment = 'lab'
RETURN l.id AS lab, c.id AS cloud, r.as_of AS as_of, coalesce(r.contract_usd, r.commitment_usd, 0.0) AS deal_usd
ORDER BY deal_usd DESC, lab, cloud, as_of
