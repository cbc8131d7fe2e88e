// Question: What hardware, cloud and data was each model trained on, and how many GPUs and GPU-hours were reported?
MATCH (m:Model)-[r:TRAINED_ON]->(x)
RETURN m.id AS model, x.id AS trained_on, x.layer AS layer, r.gpus AS gpus, r.gpu_hours_m AS gpu_hours_m, r.confidence AS confidence
ORDER BY model, trained_on
