// Question: What does each Taiwan-based company in the graph manufacture, package, design or supply directly?
// hq is rarely set in the data, so Taiwan is a hand-kept list of ids (TSMC, UMC, ASE, SPIL, PTI, MediaTek, Alchip, the ODMs, Delta, Lite-On).
UNWIND ['tsmc', 'umc', 'ase', 'spil', 'powertech', 'mediatek', 'alchip', 'foxconn', 'quanta', 'wistron', 'wiwynn', 'delta-electronics', 'lite-on'] AS tw
MATCH (s:Company {id: tw})-[:MANUFACTURES|PACKAGES|DESIGNS|SUPPLIES]->(x)
RETURN s.id AS company, s.segment AS segment, count(DISTINCT x) AS direct_customers_or_products, collect(DISTINCT x.id) AS targets
ORDER BY direct_customers_or_products DESC, company
