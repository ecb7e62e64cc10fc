// The change feed (changes.go): one (:Change {seq, kind, id, to, origin, at}) node per change,
// numbered from reserved seqs like offers and events. The constraint makes each seq one change
// and serves Changes' seek and order by seq; the index on at serves TrimChanges. The trim
// marker is the one (:ChangeTrim {name: 'changes', upTo}) node, which concurrent first trims
// meet on through its constraint.
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE;
CREATE INDEX change_at IF NOT EXISTS FOR (c:Change) ON (c.at);
CREATE CONSTRAINT change_trim_name IF NOT EXISTS FOR (t:ChangeTrim) REQUIRE t.name IS UNIQUE
