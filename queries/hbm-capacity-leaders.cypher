// Question: Which HBM-equipped chips carry the most memory, and how much bandwidth do they get per GB?
// The memory prop names the memory type; wafer-scale SRAM parts and GDDR cards are excluded by the HBM filter.
MATCH (c:Chip)
WHERE c.memory CONTAINS 'HBM' AND c.memory_gb IS NOT NULL AND c.memory_bw_tbs IS NOT NULL
RETURN c.id AS chip, c.memory AS memory, c.memory_gb AS memory_gb, c.memory_bw_tbs AS memory_bw_tbs, 1000.0 * c.memory_bw_tbs / c.memory_gb AS gbs_per_gb
ORDER BY memory_gb DESC, memory_bw_tbs DESC, chip
LIMIT 10
