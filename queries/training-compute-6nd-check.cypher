// Question: How close does the C = 6*N*D rule of thumb come to the training FLOPs reported for each model?
// N is active parameters where the model is a mixture of experts (coalesce), D is training tokens; reported_flops is null where not disclosed.
MATCH (m:Model)
WHERE m.params IS NOT NULL AND m.training_tokens IS NOT NULL
RETURN m.id AS model, 6.0 * coalesce(m.params_active, m.params) * m.training_tokens AS flops_6nd, m.training_flops AS reported_flops, m.training_flops / (6.0 * coalesce(m.params_active, m.params) * m.training_tokens) AS reported_over_estimate
ORDER BY flops_6nd DESC, model
