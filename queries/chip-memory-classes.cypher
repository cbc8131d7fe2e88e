// Question: How do the chips split by on-package memory, and what kind of chip is in each class?
// A generic CASE buckets memory_gb; a simple CASE names the segment.
MATCH (c:Chip)
WITH c,
     CASE
       WHEN c.memory_gb IS NULL THEN 'not recorded'
       WHEN c.memory_gb >= 141 THEN 'large (141 GB or more)'
       WHEN c.memory_gb >= 80 THEN 'medium (80-140 GB)'
       ELSE 'small (under 80 GB)'
     END AS class,
     CASE c.segment WHEN 'accelerator' THEN 'data-centre or consumer accelerator' WHEN 'device' THEN 'device SoC' ELSE c.segment END AS kind
RETURN class, kind, count(*) AS chips, min(c.memory_gb) AS min_gb, max(c.memory_gb) AS max_gb
ORDER BY class, kind
