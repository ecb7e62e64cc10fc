// The newest fitted weights; no row if none were saved.
MATCH (w:FittedWeights {key: 'current'})
RETURN w.body AS body
