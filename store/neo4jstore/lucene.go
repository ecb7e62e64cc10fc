package neo4jstore

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// luceneQuery turns free text typed by a user into a query for the full-text index that
// matches a business when every word of the text is a prefix of a word of its name or
// description, in any case (as the SQLite store does). Words are cut roughly where Lucene's
// standard analyzer cuts them: at every rune that is not a letter or digit, except an
// apostrophe, period or colon between two letters or digits ("dave's", "e.g", "3.5"), which
// that analyzer keeps inside a word. Punctuation and operators typed by the user are text:
// each word is escaped, lower-cased (so AND, OR and NOT are words), and the words are joined
// with AND. It returns "" when the text has no word, which the listing treats as no search.
//
// The index's analyzer (standard-folding, migration 0006) folds accents and leaves English
// stop words out of the index, so the words are folded here too ("café" → "cafe", as the
// SQLite store's remove_diacritics does) and stop words are dropped from the query: a word
// "the" would otherwise find only businesses with some other word starting with "the".
func luceneQuery(text string) string {
	var words []string
	for _, w := range searchWords(foldAccents(text)) {
		if !stopWords[w] {
			words = append(words, escapeLucene(w)+"*")
		}
	}
	return strings.Join(words, " AND ")
}

// stopWords are the English stop words that the standard-folding analyzer leaves out of the
// index (Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET).
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"but": true, "by": true, "for": true, "if": true, "in": true, "into": true, "is": true,
	"it": true, "no": true, "not": true, "of": true, "on": true, "or": true, "such": true,
	"that": true, "the": true, "their": true, "then": true, "there": true, "these": true,
	"they": true, "this": true, "to": true, "was": true, "will": true, "with": true,
}

// foldAccents removes combining marks after canonical decomposition: "Café" → "Cafe". (The
// index's ASCII folding also maps letters with no decomposition, such as "ø" and "ß"; words
// with those match only as typed in their folded form.)
func foldAccents(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return out
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
