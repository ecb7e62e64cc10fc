package seed_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/seed"
)

// FuzzDecodeRecord checks an import line: DecodeRecord never panics and refuses with EINVALID
// naming the line; a record it accepts encodes to a line that decodes to the same record
// (export then import changes nothing).
func FuzzDecodeRecord(f *testing.F) {
	example, err := os.ReadFile("example.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, line := range bytes.Split(example, []byte("\n")) {
		// One line of each kind is enough to start from.
		var probe map[string]json.RawMessage
		if json.Unmarshal(line, &probe) != nil || len(probe) != 1 {
			continue
		}
		for k := range probe {
			if !kinds[k] {
				kinds[k] = true
				f.Add(line)
			}
		}
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"service":null}`, `{"service":{}}{"service":{}}`,
		`{"service":{"id":"a","name":"A","sector":"S"},"trust":{"from":"a","to":"b","score":0.5}}`,
		`{"service":{"id":"a","name":"A","sector":"S","extra":1}}`,
		`{"trust":{"from":"a","to":"b","score":1e309}}`,
		`{"business":{"id":"b","name":"B","location":{"lat":91,"lng":0}}}`,
		`{"business":{"id":"b","name":"B","location":{"lat":1,"lng":2},"createdAt":"2026-01-02T03:04:05+02:00"}}`,
	} {
		f.Add([]byte(s))
	}

	f.Fuzz(func(t *testing.T, line []byte) {
		rec, err := partnergraph.DecodeRecord(line, 7)
		if err != nil {
			if partnergraph.ErrorCode(err) != partnergraph.EINVALID || !strings.Contains(err.Error(), "line 7: ") {
				t.Fatalf("refusal %q (%s): want EINVALID naming line 7", err, partnergraph.ErrorCode(err))
			}
			return
		}
		if rec.Line != 7 || rec.Kind() == "" {
			t.Fatalf("record %+v: line %d, kind %q", rec, rec.Line, rec.Kind())
		}
		out, err := json.Marshal(rec)
		if err != nil {
			t.Fatalf("encode %+v: %v", rec, err)
		}
		again, err := partnergraph.DecodeRecord(out, 7)
		if err != nil {
			t.Fatalf("%s was accepted, but its encoding %s is refused: %v", line, out, err)
		}
		out2, _ := json.Marshal(again)
		if !bytes.Equal(out, out2) || !reflect.DeepEqual(inUTC(rec), inUTC(again)) {
			t.Fatalf("%s decodes to %+v, its encoding %s to %+v", line, rec, out, again)
		}
		// And a file of that line reads the same.
		for r, err := range seed.ReadJSONL(bytes.NewReader(append(out, '\n'))) {
			r.Line = 7
			if err != nil || !reflect.DeepEqual(inUTC(r), inUTC(again)) {
				t.Fatalf("ReadJSONL(%s) = %+v, %v", out, r, err)
			}
		}
	})
}

// inUTC sets every time.Time reachable from the record to UTC, in place (through the record's
// pointers), and returns the record: JSON decoding makes a new *time.Location for each
// offset, so equal records can differ in their locations. The offsets themselves are
// compared through the encodings.
func inUTC(r partnergraph.Record) partnergraph.Record {
	utc(reflect.ValueOf(&r).Elem())
	return r
}

func utc(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			utc(v.Elem())
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			if v.CanSet() {
				v.Set(reflect.ValueOf(t.UTC()))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				utc(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			utc(v.Index(i))
		}
	case reflect.Map:
		// Records hold no maps of times.
	}
}
