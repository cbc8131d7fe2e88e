// Question: Which models disclose their parameter count, how many training tokens did they see, and how many tokens per parameter is that?
// Only models with a params property; GPT-4 is absent because its size is a disputed claim, not data.
MATCH (m:Model)
WHERE m.params IS NOT NULL
RETURN m.id AS model, m.start AS released, m.params AS params, m.params_active AS params_active, m.training_tokens AS training_tokens, 1.0 * m.training_tokens / m.params AS tokens_per_param
ORDER BY params DESC, model
