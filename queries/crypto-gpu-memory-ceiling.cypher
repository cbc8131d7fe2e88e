// Question: What is the largest GPU memory and the fastest dense BF16 chip that each crypto network rents out?
// Consumer cards carry no bf16_dense_tflops in the data, so max() ignores them.
MATCH (p:Project)-[:OFFERS]->(c:Chip)
WITH p, max(c.memory_gb) AS max_memory_gb, max(c.bf16_dense_tflops) AS max_bf16_tflops, count(DISTINCT c) AS gpu_models
RETURN p.id AS network, gpu_models, max_memory_gb, max_bf16_tflops
ORDER BY max_memory_gb DESC, max_bf16_tflops DESC, network
