package graph

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
)

// worstDocuments are documents built to cost the most to parse and validate while passing the
// document limits: the figures of BenchmarkDocumentLimits bound what one new document costs.
func worstDocuments(tb testing.TB) []AttackDocument {
	tb.Helper()
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	var b strings.Builder

	// OverlappingFieldsCanBeMerged compares every pair of fields with one response name, and
	// their arguments pairwise: 20 (SameName) fields at each of 49 places, 10 arguments each.
	args := ""
	for i := range 9 {
		args += fmt.Sprintf(", a%d: [1, 2, 3]", i)
	}
	b.WriteString("{ ")
	for range 20 {
		b.WriteString(`b: business(id: "x"` + args + `) { `)
		for i := range 48 {
			fmt.Fprintf(&b, "n%d: name ", i)
		}
		b.WriteString("} ")
	}
	b.WriteString("}")
	sameNames := b.String()

	// Arguments of fields with one response name are compared value by value: 20 fields with
	// a list of 900 values each, 18,000 tokens.
	largeValues := "{ " + rep(`b: business(id: "x", v: [`+rep("1 ", 900)+`]) { name } `, 20) + "}"

	// Fragments are compared pairwise where they are spread together.
	b.Reset()
	b.WriteString("{ ")
	for i := range 99 {
		fmt.Fprintf(&b, "...F%d ", i)
	}
	b.WriteString("} ")
	for i := range 99 {
		fmt.Fprintf(&b, `fragment F%d on Query { f%d: business(id: "x") { name id } g%d: __typename } `, i, i, i)
	}
	fragmentPairs := b.String()

	// The validator walks each operation with the fragments it reaches: 99 operations reach
	// one fragment holding a list of 390 values, 40,000 nodes walked (Walk) in all.
	b.Reset()
	for i := range 99 {
		fmt.Fprintf(&b, "query q%d { ...F } ", i)
	}
	b.WriteString(`fragment F on Query { business(id: "x", v: [` + rep("1 ", 390) + `]) { name } }`)
	operationWalks := b.String()

	// Variables are looked up by scanning the operation's definitions.
	b.Reset()
	b.WriteString("query(")
	for i := range 100 {
		fmt.Fprintf(&b, "$v%d: ID! ", i)
	}
	b.WriteString(") { ")
	for i := range 480 {
		fmt.Fprintf(&b, "b%d: business(id: $v%d) { __typename } ", i, 99-i%100)
	}
	b.WriteString("}")
	variables := b.String()

	// Fields that do not exist, each spelled close to real ones: in development the error
	// suggests names.
	b.Reset()
	b.WriteString("{ " + rep("businesse ", 20))
	for i := range 960 {
		fmt.Fprintf(&b, "x%d: businesse ", i)
	}
	b.WriteString("}")
	unknown := b.String()

	intro, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		tb.Fatal(err)
	}
	return []AttackDocument{
		{Name: "same names", Query: sameNames},
		{Name: "large values compared", Query: largeValues},
		{Name: "large objects compared", Query: "{ " + rep(`b: business(id: "x", v: {`+func() string {
			var o strings.Builder
			for i := range 300 {
				fmt.Fprintf(&o, "k%d: 1 ", 300-i)
			}
			return o.String()
		}()+`}) { name } `, 20) + "}"},
		{Name: "fragment pairs", Query: fragmentPairs},
		{Name: "operation walks", Query: operationWalks},
		{Name: "variables", Query: variables},
		{Name: "unknown fields", Query: unknown},
		{Name: "introspection", Query: string(intro)},
	}
}

// newBenchExecutor is gqlgen's executor as httpapi.NewHandler configures it in development (with
// field suggestions, which cost more), without a query cache.
func newBenchExecutor() *executor.Executor {
	e := executor.New(NewSchema(&Resolver{}))
	e.Use(extension.FixedComplexityLimit(5000))
	e.Use(documentLimit{max: defaultDocumentLimits, cache: graphql.NoCache[*ast.QueryDocument]{}})
	e.Use(extension.Introspection{})
	return e
}

// BenchmarkDocumentLimits measures what reading one new document costs the server: the
// document limits, gqlgen's parse and validation (CreateOperationContext, nothing executed),
// for the worst documents that pass the limits and for the attack documents they refuse.
//
//	go test ./graph/ -run '^$' -bench DocumentLimits -benchtime 20x
func BenchmarkDocumentLimits(b *testing.B) {
	e := newBenchExecutor()
	ctx := graphql.StartOperationTrace(context.Background())
	run := func(b *testing.B, d AttackDocument, wantRefused bool) {
		p := &graphql.RawParams{Query: d.Query}
		if strings.HasPrefix(d.Name, "operation walks") {
			p.OperationName = "q0"
		}
		_, errs := e.CreateOperationContext(ctx, p)
		refused := len(errs) > 0 && errs[0].Extensions["code"] == "COMPLEXITY_LIMIT_EXCEEDED"
		if refused != wantRefused {
			b.Fatalf("%s: refused by the document limits: %v, want %v (%v)", d.Name, refused, wantRefused, errs)
		}
		b.SetBytes(int64(len(d.Query)))
		b.ResetTimer()
		for b.Loop() {
			e.CreateOperationContext(ctx, &graphql.RawParams{Query: d.Query, OperationName: p.OperationName})
		}
	}
	for _, d := range worstDocuments(b) {
		b.Run("passes/"+d.Name, func(b *testing.B) { run(b, d, false) })
	}
	for _, d := range AttackDocuments() {
		b.Run("refused/"+d.Name, func(b *testing.B) { run(b, d, true) })
	}
}

// TestREADMEQueriesWithinLimits: every GraphQL example of the README passes the document
// limits (the tests' own queries pass them through the handler).
func TestREADMEQueriesWithinLimits(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(readme), "```graphql\n")[1:]
	if len(blocks) < 5 {
		t.Fatalf("found %d GraphQL examples in the README", len(blocks))
	}
	d := documentLimit{max: defaultDocumentLimits, cache: graphql.NoCache[*ast.QueryDocument]{}}
	for _, b := range blocks {
		q, _, _ := strings.Cut(b, "```")
		if err := d.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: q}); err != nil {
			t.Errorf("%v:\n%s", err, q)
		}
	}
}
