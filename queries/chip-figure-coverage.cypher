// Question: Which figures do the chip records carry, and on how many chips is each recorded?
// keys(c) lists a node's present properties (fields and props), so rare keys show the gaps.
MATCH (c:Chip)
UNWIND keys(c) AS property
RETURN property, count(*) AS chips
ORDER BY chips DESC, property
