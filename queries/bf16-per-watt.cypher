// Question: Which accelerators deliver the most dense BF16 TFLOPS per watt of board power?
MATCH (c:Chip)
WHERE c.bf16_dense_tflops IS NOT NULL AND c.power_w IS NOT NULL
RETURN c.id AS chip, c.bf16_dense_tflops AS bf16_dense_tflops, c.power_w AS power_w, 1.0 * c.bf16_dense_tflops / c.power_w AS tflops_per_watt
ORDER BY tflops_per_watt DESC, chip
