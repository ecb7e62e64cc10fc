// Replaces the newest fitted weights: one node, keyed 'current'.
MERGE (w:FittedWeights {key: 'current'})
SET w.body = $body,
    w.at = $at
