// Question: Which customers bought the most NVIDIA Hopper GPUs in 2024, by analyst estimate?
// hopper_gpus_2024 is an edge property on nvidia -SUPPLIES-> customer; all values are estimates.
MATCH (n:Company {id: 'nvidia'})-[r:SUPPLIES]->(c:Company)
WHERE r.hopper_gpus_2024 IS NOT NULL
RETURN c.id AS customer, c.layer AS layer, r.hopper_gpus_2024 AS hopper_gpus, r.confidence AS confidence
ORDER BY hopper_gpus DESC, customer
