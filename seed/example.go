// Package seed holds the example network that every new PartnerGraph installation can load,
// and the reader of the JSON Lines interchange format that loads it.
//
// The example is kept as data in the interchange format (example.jsonl), not as Go code that
// calls a Store, so that seeding goes through exactly the path a user's import takes:
// the same decoding, the same validation, the same Store.Import. A demo that loads is then
// also a working import, and the file doubles as a readable sample of the format.
package seed

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// exampleJSONL is embedded so that the demo ships inside the binary: loading it needs no file
// path, working directory or network access, and it cannot drift from the binary's version.
//
//go:embed example.jsonl
var exampleJSONL string

// MaxLineBytes bounds the lines ReadJSONL accepts: a line and its newline must fit in it. A
// record is a few hundred bytes (a business with a long description and many services stays
// well under 10 KiB), so 1 MiB is generous for real data while bounding the memory a malformed
// or hostile file can take.
const MaxLineBytes = 1 << 20

// Example yields the records of the example network, in an order Store.Import accepts:
// services, complements, businesses, networks, memberships, trust, partnerships.
//
// It is the demo every new user sees, and the fixture that partner suggestions and lead routing
// are tested on: three towns (Springfield, Shelbyville, Capital City), six service clusters,
// competitors that suggestions must choose between, and Dave's Collision, Mike's Tyre and
// Andy's Attorney Services, who trust each other and already partner. Ids are readable, stable
// slugs ("daves-collision", "springfield-chamber", "p-daves-mikes") so that tests, docs and
// support can name them.
//
// The embedded file is checked by the package's tests, so an error here means a broken build,
// but it is yielded rather than panicked on, like any other import.
func Example() iter.Seq2[partnergraph.Record, error] {
	return ReadJSONL(strings.NewReader(exampleJSONL))
}

// ReadJSONL yields the records of the JSON Lines interchange format read from r, each decoded
// and validated by partnergraph.DecodeRecord and carrying its 1-based line number. It serves
// both Example and the import command, so that the demo and user files are read alike.
//
// Blank lines are skipped (a trailing newline or a hand-edited gap is not an error) but still
// counted, so that line numbers match what an editor shows. Reading stops after the first
// error, which is yielded with a zero Record: Store.Import writes all or nothing, so later
// errors would not change the outcome, and the line of the first one is what the user needs
// to fix. Errors are EINVALID naming the line, except a failure to read r, which keeps its
// cause in the chain (errors.Is works) and is EINTERNAL.
//
// The sequence reads r as it goes, so it can be ranged over once.
func ReadJSONL(r io.Reader) iter.Seq2[partnergraph.Record, error] {
	return func(yield func(partnergraph.Record, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			rec, err := partnergraph.DecodeRecord(b, line)
			if err != nil {
				yield(partnergraph.Record{}, err)
				return
			}
			if !yield(rec, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			// The scanner stopped inside the line after the last one it returned.
			if errors.Is(err, bufio.ErrTooLong) {
				err = partnergraph.Errorf(partnergraph.EINVALID, "line %d: longer than %d bytes", line+1, MaxLineBytes)
			} else {
				err = fmt.Errorf("line %d: %w", line+1, err)
			}
			yield(partnergraph.Record{}, err)
		}
	}
}
