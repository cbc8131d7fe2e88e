// Question: Which models released since 2024 say what they were trained on (chips, clouds or data), and who made them?
MATCH (lab)-[:DEVELOPS]->(m:Model)
WHERE m.start >= '2024'
OPTIONAL MATCH (m)-[:TRAINED_ON]->(hw)
WITH lab, m, hw ORDER BY hw.id
RETURN m.start AS released, m.id AS model, lab.id AS lab, m.params AS params, collect(hw.id) AS trained_on
ORDER BY released, model, lab
