package neo4jstore

import "testing"

func TestLuceneQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"dave", "dave*"},
		{"COLL", "coll*"},
		{"roadside dave", "roadside* AND dave*"},
		{"  spaced\tout\n", "spaced* AND out*"},
		{`dave" * ( ^ -`, "dave*"},
		{`"dave" OR NEAR( *`, "dave* AND near*"},
		{"dave AND NOT mike", "dave* AND mike*"},
		{"the garage of a town", "garage* AND town*"},
		{"Café Zoë", "cafe* AND zoe*"},
		{"title:dave", `title\:dave*`},
		{"Dave's Tyre & Wheel", "dave's* AND tyre* AND wheel*"},
		{"o’brien", "o’brien*"},
		{"e.g. 3.5 litres", "e.g* AND 3.5* AND litres*"},
		{"collision-repair", "collision* AND repair*"},
		{"a+b c||d e&&f", "b* AND c* AND d* AND e* AND f*"},
		{"'quoted' :colon: .dot.", "quoted* AND colon* AND dot*"},
		{"Müller ÅRHUS 東京", "muller* AND arhus* AND 東京*"},
		{"", ""},
		{" * ( ) - ", ""},
	} {
		if got := luceneQuery(c.in); got != c.want {
			t.Errorf("luceneQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEscapeLucene(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{`a+b-c!d(e)f:g^h[i]j"k{l}m~n*o?p|q&r/s\t`, `a\+b\-c\!d\(e\)f\:g\^h\[i\]j\"k\{l\}m\~n\*o\?p\|q\&r\/s\\t`},
		{"&&||", `\&\&\|\|`},
		{"d'oh. é", "d'oh. é"},
	} {
		if got := escapeLucene(c.in); got != c.want {
			t.Errorf("escapeLucene(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
