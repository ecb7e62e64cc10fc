// The trim marker: every change with a seq up to it may have been trimmed (0 when the feed
// was never trimmed).
OPTIONAL MATCH (t:ChangeTrim {name: 'changes'})
RETURN coalesce(t.upTo, 0) AS upTo
