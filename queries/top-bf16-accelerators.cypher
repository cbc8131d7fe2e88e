// Question: Which accelerators have the highest dense BF16 throughput, and how do their memory, bandwidth and power compare?
MATCH (c:Chip)
WHERE c.bf16_dense_tflops IS NOT NULL
RETURN c.id AS chip, c.bf16_dense_tflops AS bf16_dense_tflops, c.memory_gb AS memory_gb, c.memory_bw_tbs AS memory_bw_tbs, c.power_w AS power_w
ORDER BY bf16_dense_tflops DESC, chip
LIMIT 10
