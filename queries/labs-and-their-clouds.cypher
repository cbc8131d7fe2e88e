// Question: Which clouds do the AI labs run on, and how large are the disclosed contracts, biggest first?
// Deal size is contract_usd_b or, for OpenAI-Azure, commitment_usd_b; 0 where undisclosed. Labs can have several dated deals with one cloud.
MATCH (l:Company)-[r:RUNS_ON]->(c:Company)
WHERE l.segment = 'lab'
RETURN l.id AS lab, c.id AS cloud, r.as_of AS as_of, coalesce(r.contract_usd_b, r.commitment_usd_b, 0) AS deal_usd_b
ORDER BY deal_usd_b DESC, lab, cloud, as_of
