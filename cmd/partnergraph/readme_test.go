package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/partnergraph/partnergraph/store/neo4jstore/neo4jtest"
)

// The README's walk-through is what a newcomer pastes first, so TestREADMEExamples runs every
// GraphQL example in README.md, in the order it is written, against the server as `go run
// ./cmd/partnergraph` starts it (a new database, the example network seeded), with the tokens
// the README tells the reader to mint, and compares each answer with the JSON printed under it.
//
// How the README is marked up (the markers are HTML comments, which a reader does not see):
//
//   - Every ```graphql block is an example. The next fenced block must be a ```json block with
//     its answer, except for a subscription, whose events are ```json blocks marked
//     `<!-- readme-test: received -->`, read in turn from the latest subscription.
//   - `<!-- readme-test: token=SUB -->` before an example sends it with the token that the
//     README's `token --sub SUB ...` command mints (its first mention); without it the
//     example runs anonymously.
//   - `<!-- readme-test: moving=KEY,KEY -->` before an answer names the keys whose numbers
//     move as the graph learns (scores, trust in reasons): under them numbers, also numbers
//     inside strings, may differ; everything else must match. The README says so in words.
//   - A string "$name" in an answer stands for a generated value (an id): any non-empty
//     string, remembered and passed to later examples that declare the variable $name.
//   - Numbers printed with fewer decimals than the server sends match when the answer rounds
//     to them; `extensions` (the cost) is compared only where the README prints it.
//
// It runs on both stores: on SQLite always, and on Neo4j (`--store neo4j`, its database
// wiped first) when NEO4J_URI is set, as the README's walk-through must hold on either.
func TestREADMEExamples(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		testREADMEExamples(t, []string{"--db", filepath.Join(t.TempDir(), "partnergraph.db")})
	})
	t.Run("neo4j", func(t *testing.T) {
		neo := neo4jtest.Require(t)
		neo4jtest.Wipe(t, neo)
		// --db still names the directory of the development token secret.
		testREADMEExamples(t, []string{"--store", "neo4j", "--db", filepath.Join(t.TempDir(), "partnergraph.db")})
	})
}

// testREADMEExamples runs the README's examples against a server opening the store that
// storeArgs name; the store must be empty.
func testREADMEExamples(t *testing.T, storeArgs []string) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	steps, tokens, err := parseREADME(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 10 {
		t.Fatalf("found %d examples in the README; the markup may have changed", len(steps))
	}

	base := startREADMEServer(t, storeArgs)
	bearer := map[string]string{}
	for sub, args := range tokens {
		bearer[sub] = mintREADMEToken(t, args, storeArgs)
	}

	vars := map[string]string{}
	var stream *sseStream
	for _, s := range steps {
		where := fmt.Sprintf("README.md:%d", s.line)
		if s.received {
			if stream == nil {
				t.Fatalf("%s: an event is printed before any subscription", where)
			}
			got, err := stream.next(10 * time.Second)
			if err != nil {
				t.Fatalf("%s: the subscription received nothing: %v", where, err)
			}
			compareAnswer(t, where, s.want, got, s.moving, vars)
			continue
		}
		token := ""
		if s.token != "" {
			if token = bearer[s.token]; token == "" {
				t.Fatalf("%s: token=%s, but the README has no `token --sub %s` command", where, s.token, s.token)
			}
		}
		op, variables, err := operationVariables(s.query, vars)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if op == ast.Subscription {
			if s.want != nil {
				t.Fatalf("%s: a subscription's events are ```json blocks marked `<!-- readme-test: received -->`", where)
			}
			if stream != nil {
				stream.close()
			}
			stream = subscribe(t, base, token, s.query, variables)
			t.Cleanup(stream.close)
			continue
		}
		if s.want == nil {
			t.Fatalf("%s: the example is not followed by a ```json block with its answer", where)
		}
		compareAnswer(t, where, s.want, post(t, base, token, s.query, variables), s.moving, vars)
	}
}

// readmeStep is an example to run, or an event its subscription must receive.
type readmeStep struct {
	line     int    // of the ```graphql block, or of the ```json block of a received event
	token    string // the subject whose token sends it; empty: anonymous
	query    string
	received bool
	want     []byte // the printed answer
	moving   map[string]bool
}

var tokenCommand = regexp.MustCompile("token( --[a-z-]+(?:[ =][^\\s`#-][^\\s`]*)?)+")

// parseREADME returns the README's steps in order, and the arguments of the first token
// command the README gives for each subject.
func parseREADME(readme string) ([]readmeStep, map[string][]string, error) {
	tokens := map[string][]string{}
	for _, m := range tokenCommand.FindAllString(readme, -1) {
		args := strings.Fields(m)
		if i := slices.Index(args, "--sub"); i > 0 && i+1 < len(args) {
			if _, seen := tokens[args[i+1]]; !seen {
				tokens[args[i+1]] = args
			}
		}
	}

	var steps []readmeStep
	marker := map[string]string{}
	lastFence := "" // the language of the previous fenced block
	lines := strings.Split(readme, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if m, ok := strings.CutPrefix(line, "<!-- readme-test:"); ok {
			for _, kv := range strings.Fields(strings.TrimSuffix(m, "-->")) {
				k, v, _ := strings.Cut(kv, "=")
				marker[k] = v
			}
			continue
		}
		lang, ok := strings.CutPrefix(line, "```")
		if !ok {
			continue
		}
		start := i + 1
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
		}
		if i == len(lines) {
			return nil, nil, fmt.Errorf("README.md:%d: the fenced block is not closed", start)
		}
		body := strings.Join(lines[start:i], "\n")
		var moving map[string]bool
		if m := marker["moving"]; m != "" {
			moving = map[string]bool{}
			for _, k := range strings.Split(m, ",") {
				moving[k] = true
			}
		}
		switch {
		case lang == "graphql":
			steps = append(steps, readmeStep{line: start, token: marker["token"], query: body})
		case lang == "json" && hasKey(marker, "received"):
			steps = append(steps, readmeStep{line: start, received: true, want: []byte(body), moving: moving})
		case lang == "json" && lastFence == "graphql":
			last := &steps[len(steps)-1]
			last.want, last.moving = []byte(body), moving
		}
		lastFence = lang
		clear(marker)
	}
	return steps, tokens, nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// operationVariables returns the type of the operation and the values of the variables it
// declares, taken from the generated values that earlier answers gave.
func operationVariables(query string, vars map[string]string) (ast.Operation, map[string]any, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil || len(doc.Operations) == 0 {
		// The server answers with the parse error, which the printed answer must show.
		return ast.Query, nil, nil
	}
	op := doc.Operations[0]
	values := map[string]any{}
	for _, d := range op.VariableDefinitions {
		v, ok := vars[d.Variable]
		if !ok {
			return "", nil, fmt.Errorf("the example uses $%s, which no earlier answer printed as \"$%s\"", d.Variable, d.Variable)
		}
		values[d.Variable] = v
	}
	return op.Operation, values, nil
}

// compareAnswer fails the test where the server's answer differs from the printed one.
func compareAnswer(t *testing.T, where string, want, got []byte, moving map[string]bool, vars map[string]string) {
	t.Helper()
	diffs, err := answerDiffs(want, got, moving, vars)
	if err != nil {
		t.Fatalf("%s: %v\n%s", where, err, got)
	}
	if len(diffs) > 0 {
		t.Fatalf("%s: the server's answer differs from the README's:\n  %s\ngot: %s", where, strings.Join(diffs, "\n  "), got)
	}
}

// answerDiffs lists where got differs from the printed answer want, remembering the
// generated values that want names ("$name") in vars.
func answerDiffs(want, got []byte, moving map[string]bool, vars map[string]string) ([]string, error) {
	w, err := decodeNumbers(want)
	if err != nil {
		return nil, fmt.Errorf("the printed answer is not JSON: %w", err)
	}
	g, err := decodeNumbers(got)
	if err != nil {
		return nil, fmt.Errorf("the server's answer is not JSON: %w", err)
	}
	if wm, ok := w.(map[string]any); ok {
		if gm, ok := g.(map[string]any); ok && !hasKey(wm, "extensions") {
			delete(gm, "extensions")
		}
	}
	var diffs []string
	compareJSON("", w, g, false, moving, vars, &diffs)
	return diffs, nil
}

func decodeNumbers(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return v, nil
}

var (
	placeholder  = regexp.MustCompile(`^\$[A-Za-z][A-Za-z0-9_]*$`)
	numberInText = regexp.MustCompile(`[0-9]+(\.[0-9]+)?`)
)

func compareJSON(path string, want, got any, moves bool, moving map[string]bool, vars map[string]string, diffs *[]string) {
	differ := func(format string, args ...any) {
		*diffs = append(*diffs, fmt.Sprintf("%s: ", strings.TrimPrefix(path, "."))+fmt.Sprintf(format, args...))
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			differ("printed an object, got %v", got)
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				differ("printed %q, the answer has no such key", k)
				continue
			}
			compareJSON(path+"."+k, wv, gv, moves || moving[k], moving, vars, diffs)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				differ("the answer has %q, which the README does not print", k)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			differ("printed %d items, got %v", len(w), got)
			return
		}
		for i := range w {
			compareJSON(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], moves, moving, vars, diffs)
		}
	case string:
		g, ok := got.(string)
		switch {
		case !ok:
			differ("printed %q, got %v", w, got)
		case placeholder.MatchString(w):
			name := w[1:]
			if g == "" {
				differ("printed %s (a generated value), got an empty string", w)
			} else if prev, seen := vars[name]; seen && prev != g {
				differ("printed %s, which was %q before, got %q", w, prev, g)
			}
			vars[name] = g
		case moves:
			if numberInText.ReplaceAllString(w, "#") != numberInText.ReplaceAllString(g, "#") {
				differ("printed %q, got %q (only its numbers may move)", w, g)
			}
		case w != g:
			differ("printed %q, got %q", w, g)
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok {
			differ("printed %s, got %v", w, got)
			return
		}
		if moves {
			return
		}
		wf, _ := w.Float64()
		gf, _ := g.Float64()
		decimals := 0
		if _, frac, ok := strings.Cut(w.String(), "."); ok {
			decimals = len(frac)
		}
		// A printed 0.92 stands for whatever rounds to it.
		if math.Abs(gf-wf) > 0.5*math.Pow10(-decimals)+1e-12 || (decimals == 0 && w.String() != g.String()) {
			differ("printed %s, got %s", w, g)
		}
	default: // bool, null
		if want != got {
			differ("printed %v, got %v", want, got)
		}
	}
}

// startREADMEServer runs the server as the README's `go run ./cmd/partnergraph` does, on a
// free port and the empty store of storeArgs, until the test ends.
func startREADMEServer(t *testing.T, storeArgs []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--addr", addr}, storeArgs...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	base := "http://" + addr
	for range 400 {
		select {
		case err := <-done:
			t.Fatalf("serve: %v", err)
		default:
		}
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server did not become ready")
	return ""
}

// mintREADMEToken runs the README's token command (`token --sub ...`) against the test's
// store (storeArgs) and returns what it prints.
func mintREADMEToken(t *testing.T, args []string, storeArgs []string) string {
	t.Helper()
	var clean []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--db" || a == "--store":
			i++ // the test's store instead
		case strings.HasPrefix(a, "--db="), strings.HasPrefix(a, "--store="):
		default:
			clean = append(clean, a)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = run(context.Background(), append(clean, storeArgs...))
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatalf("partnergraph %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func graphqlRequest(t *testing.T, base, token, query string, variables map[string]any) *http.Request {
	t.Helper()
	req, err := newGraphQLRequest(base, token, query, variables)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// newGraphQLRequest is a POST of a GraphQL request to the server at base, with the token
// (none if "").
func newGraphQLRequest(base, token, query string, variables map[string]any) (*http.Request, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}

func post(t *testing.T, base, token, query string, variables map[string]any) []byte {
	t.Helper()
	b, err := postGraphQL(base, token, query, variables)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postGraphQL sends a GraphQL request and returns the answer's body; unlike post it may run
// in a goroutine of the test.
func postGraphQL(base, token, query string, variables map[string]any) ([]byte, error) {
	req, err := newGraphQLRequest(base, token, query, variables)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

// graphqlError is an error of a GraphQL answer, with its extensions.code.
type graphqlError struct {
	Message    string
	Extensions struct{ Code string }
}

func (e *graphqlError) Error() string { return e.Extensions.Code + ": " + e.Message }

// callGraphQL sends a GraphQL request and decodes the answer's data into data. An answer with
// errors returns the first as a *graphqlError. It may run in a goroutine of the test.
func callGraphQL(base, token, query string, variables map[string]any, data any) error {
	b, err := postGraphQL(base, token, query, variables)
	if err != nil {
		return err
	}
	var res struct {
		Data   json.RawMessage
		Errors []*graphqlError
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%w in the answer %.200s", err, b)
	}
	if len(res.Errors) > 0 {
		return res.Errors[0]
	}
	return json.Unmarshal(res.Data, data)
}

// mustCallGraphQL is callGraphQL that fails the test on an error.
func mustCallGraphQL(t *testing.T, base, token, query string, variables map[string]any, data any) {
	t.Helper()
	if err := callGraphQL(base, token, query, variables, data); err != nil {
		t.Fatalf("%s: %v", strings.Join(strings.Fields(query), " "), err)
	}
}

// sseStream is a subscription over SSE, which the server serves like the websocket.
type sseStream struct {
	events chan []byte
	cancel context.CancelFunc
}

func subscribe(t *testing.T, base, token, query string, variables map[string]any) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req := graphqlRequest(t, base, token, query, variables).WithContext(ctx)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		cancel()
		t.Fatalf("subscribe: %s: %s", res.Status, b)
	}
	s := &sseStream{events: make(chan []byte, 16), cancel: cancel}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				s.events <- []byte(data)
			}
		}
	}()
	return s
}

func (s *sseStream) next(timeout time.Duration) ([]byte, error) {
	select {
	case e, ok := <-s.events:
		if !ok {
			return nil, io.EOF
		}
		return e, nil
	case <-time.After(timeout):
		return nil, fmt.Errorf("no event in %v", timeout)
	}
}

func (s *sseStream) close() { s.cancel() }

// TestREADMECompareJSON keeps the comparison honest: it must tell apart the answers that
// TestREADMEExamples has to refuse.
func TestREADMECompareJSON(t *testing.T) {
	for _, c := range []struct {
		name, want, got string
		moving          string
		same            bool
	}{
		{"equal", `{"a":[1,"x"]}`, `{"a":[1,"x"]}`, "", true},
		{"other string", `{"a":"x"}`, `{"a":"y"}`, "", false},
		{"missing key", `{"a":1,"b":2}`, `{"a":1}`, "", false},
		{"extra key", `{"a":1}`, `{"a":1,"b":2}`, "", false},
		{"fewer items", `{"a":[1,2]}`, `{"a":[1]}`, "", false},
		{"rounded number", `{"a":0.92}`, `{"a":0.9212598425196851}`, "", true},
		{"number rounding elsewhere", `{"a":0.93}`, `{"a":0.9212598425196851}`, "", false},
		{"integer", `{"a":150}`, `{"a":150.4}`, "", false},
		{"moving number", `{"s":0.5}`, `{"s":0.7}`, "s", true},
		{"moving number must stay a number", `{"s":0.5}`, `{"s":"0.5"}`, "s", false},
		{"moving text", `{"r":["via A (0.93)"]}`, `{"r":["via A (0.92)"]}`, "r", true},
		{"moving text keeps its words", `{"r":["via A (0.93)"]}`, `{"r":["via B (0.93)"]}`, "r", false},
		{"placeholder", `{"id":"$x"}`, `{"id":"QnVz"}`, "", true},
		{"placeholder is not empty", `{"id":"$x"}`, `{"id":""}`, "", false},
		{"extensions not printed", `{"data":1}`, `{"data":1,"extensions":{"cost":1}}`, "", true},
		{"null", `{"a":null}`, `{"a":{}}`, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			moving := map[string]bool{c.moving: c.moving != ""}
			diffs, err := answerDiffs([]byte(c.want), []byte(c.got), moving, map[string]string{})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(diffs) == 0; got != c.same {
				t.Fatalf("same = %v, want %v (%v)", got, c.same, diffs)
			}
		})
	}
}
