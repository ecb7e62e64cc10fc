package neo4jstore

import (
	"strings"
	"unicode"
)

// luceneQuery turns free text typed by a user into a query for the full-text index that
// matches a business when every word of the text is a prefix of a word of its name or
// description, in any case (as the SQLite store does). Words are cut roughly where Lucene's
// standard analyzer cuts them: at every rune that is not a letter or digit, except an
// apostrophe, period or colon between two letters or digits ("dave's", "e.g", "3.5"), which
// that analyzer keeps inside a word. Punctuation and operators typed by the user are text:
// each word is escaped, lower-cased (so AND, OR and NOT are words), and the words are joined
// with AND. It returns "" when the text has no word, which the listing treats as no search.
func luceneQuery(text string) string {
	words := searchWords(text)
	for i, w := range words {
		words[i] = escapeLucene(w) + "*"
	}
	return strings.Join(words, " AND ")
}

func searchWords(text string) []string {
	rs := []rune(strings.ToLower(text))
	alnum := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	var words []string
	var w strings.Builder
	for i, r := range rs {
		switch {
		case alnum(i):
			w.WriteRune(r)
		case (r == '\'' || r == '’' || r == '.' || r == ':') && w.Len() > 0 && alnum(i+1):
			w.WriteRune(r)
		case w.Len() > 0:
			words = append(words, w.String())
			w.Reset()
		}
	}
	if w.Len() > 0 {
		words = append(words, w.String())
	}
	return words
}

// escapeLucene backslash-escapes every character that Lucene's classic query parser treats
// as syntax.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\+-!():^[]"{}~*?|&/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
