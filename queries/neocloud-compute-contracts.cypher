// Question: What are the largest disclosed compute contracts signed by cloud-layer companies (neoclouds, data-centre hosts), and with whom?
// contract_usd (US dollars) is an edge property of SUPPLIES; edges without a disclosed value are left out.
MATCH (n:Company)-[r:SUPPLIES]->(c:Company)
WHERE n.layer = 'cloud' AND r.contract_usd IS NOT NULL
RETURN n.id AS provider, n.segment AS segment, c.id AS customer, r.contract_usd AS contract_usd, coalesce(r.as_of, r.since) AS dated
ORDER BY contract_usd DESC, provider, customer
