// The newest weights of the partner-suggestion signals that a fit chose (matching.Fit, issue 15
// §1): one (:FittedWeights {key: 'current'}) node, its fields as JSON in body. The key is
// unique, so concurrent saves meet on one node.
CREATE CONSTRAINT fitted_weights_key IF NOT EXISTS FOR (w:FittedWeights) REQUIRE w.key IS UNIQUE
