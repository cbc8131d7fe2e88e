// Question: Which chips depend on a Korean supplier (Samsung or SK hynix), either directly (fab, packaging, memory supply) or through the HBM generation they contain?
// Two OPTIONAL MATCHes; count() decides membership because collect() of nothing is [] in Cypher but null in Kuzu.
MATCH (c:Chip)
OPTIONAL MATCH (k1:Company)-[:MANUFACTURES|PACKAGES|SUPPLIES]->(c) WHERE k1.id IN ['samsung', 'sk-hynix']
WITH c, count(DISTINCT k1) AS direct, collect(DISTINCT k1.id) AS direct_ids
OPTIONAL MATCH (c)-[:CONTAINS]->(t:Technology)<-[:MANUFACTURES]-(k2:Company) WHERE k2.id IN ['samsung', 'sk-hynix']
WITH c, direct, direct_ids, count(DISTINCT k2) AS via_hbm
WHERE direct > 0 OR via_hbm > 0
RETURN c.id AS chip, direct, direct_ids, via_hbm
ORDER BY direct DESC, via_hbm DESC, chip
