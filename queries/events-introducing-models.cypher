// Question: Which models did each dated event introduce, who developed them, and how large were they?
// params is null where no size was disclosed; GPT-4's rumoured size exists only as a disputed claim, not as a property.
MATCH (e:Event)-[:INTRODUCED]->(m:Model)
OPTIONAL MATCH (lab:Company)-[:DEVELOPS]->(m)
RETURN e.start AS date, m.id AS model, m.params AS params, m.context_tokens AS context_tokens, lab.id AS developer
ORDER BY date, model, developer
