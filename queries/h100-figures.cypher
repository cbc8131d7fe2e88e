// Question: Every recorded figure of the H100 and its successor, the H200, side by side.
// properties(c) is the node's properties as one map (absent ones left out).
MATCH (c:Chip)
WHERE c.id IN ['h100', 'h200']
RETURN c.id AS chip, properties(c) AS figures
ORDER BY chip
