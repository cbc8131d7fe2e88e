// Question: How many semiconductor-layer companies (fabs, packagers, memory and tool makers) sit upstream of each accelerator within three forward supply hops, and which are direct?
// Forward relations only (MANUFACTURES, PACKAGES, SUPPLIES), so each path runs tool maker -> fab or memory maker -> chip.
MATCH (s:Company)-[:MANUFACTURES|PACKAGES|SUPPLIES*1..3]->(c:Chip)
WHERE s.layer = 'semiconductors' AND c.segment = 'accelerator'
WITH c, count(DISTINCT s) AS semiconductor_suppliers
OPTIONAL MATCH (d:Company)-[:MANUFACTURES|PACKAGES|SUPPLIES]->(c)
WHERE d.layer = 'semiconductors'
RETURN c.id AS chip, semiconductor_suppliers, count(DISTINCT d) AS direct_suppliers, collect(DISTINCT d.id) AS direct_ids
ORDER BY semiconductor_suppliers DESC, direct_suppliers DESC, chip
