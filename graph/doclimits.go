package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// documentLimits are the most that one GraphQL document may hold. They are checked before
// gqlgen parses and validates the document, because validation is not linear in it:
// OverlappingFieldsCanBeMerged compares every pair of fields with the same response name,
// again for every fragment that spreads them, and a few rules look variables up by scanning
// the operation's list. A 38 KB document of one field repeated took 23 s of CPU to refuse.
// Under these limits the worst document we built takes about 15 ms to parse and validate, and
// refusing one at most about 6 ms (BenchmarkDocumentLimits; docs/DECISIONS.md has the figures).
type documentLimits struct {
	Bytes              int // of the query text
	Tokens             int // lexical tokens: what the rate limit charges for reading a document
	Definitions        int // operations and fragment definitions
	Walk               int // nodes that validation walks: each operation and fragment with every fragment it reaches
	Variables          int // variable definitions of one operation
	Selections         int // fields, fragment spreads and inline fragments, fragments expanded
	Fields             int // fields, fragments expanded
	SameName           int // fields with one response name at one place of the result
	Depth              int // selection sets nested in one another; inline fragments directly in one another
	IntrospectionDepth int // the same under __schema and __type, whose ofType chains go deeper
	Arguments          int // of one field or directive
	Directives         int // at one location
}

// defaultDocumentLimits admit the introspection queries of GraphiQL and graphql-js
// (getIntrospectionQuery, which Apollo's and GraphQL Code Generator's tools send: 9 ofType
// levels, 15 selection sets deep), every query of the README and the tests, and keep parsing
// and validating any document they admit to about 15 ms of CPU.
var defaultDocumentLimits = documentLimits{
	Bytes:              64 << 10, // what an HTTP body may hold; a websocket message may hold 1 MB
	Tokens:             20000,
	Definitions:        100,
	Walk:               40000,
	Variables:          100,
	Selections:         2000,
	Fields:             1000,
	SameName:           20,
	Depth:              12,
	IntrospectionDepth: 20,
	Arguments:          10,
	Directives:         10,
}

// tokensPerCost is how many tokens of a new document cost one unit of the rate limit's query
// cost: a 20,000-token document costs 2,000, two seconds of the default refill.
const tokensPerCost = 10

// documentLimit is the gqlgen extension that enforces documentLimits and charges the caller's
// rate limit for reading a document. gqlgen calls OperationParameterMutators before it looks
// the document up in its cache, parses and validates it, for every transport (HTTP, SSE and
// websocket subscribe messages alike).
type documentLimit struct {
	max    documentLimits
	cache  graphql.Cache[*ast.QueryDocument] // documents that passed, parsed and validated
	charge Charge                            // nil: no rate limit
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimit{}

func (documentLimit) ExtensionName() string                   { return "DocumentLimit" }
func (documentLimit) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses a document over the limits with COMPLEXITY_LIMIT_EXCEEDED,
// or with RATE_LIMITED when the caller cannot pay for reading it. A document in gqlgen's cache
// passed before and costs nothing more to read.
func (d documentLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := d.cache.Get(ctx, p.Query); ok {
		return nil
	}
	tokens, lexed := d.max.Tokens+1, false
	if len(p.Query) <= d.max.Bytes {
		tokens, lexed = countTokens(p.Query, d.max.Tokens+1)
	}
	// Charged before anything is parsed, and whether or not the document is refused: a caller
	// that sends documents over the limits spends its budget as one that sends large ones.
	if d.charge != nil {
		cost := (min(tokens, d.max.Tokens) + tokensPerCost - 1) / tokensPerCost
		if err := d.charge(ctx, fmt.Sprintf("reading this document costs %d", cost), cost); err != nil {
			return err
		}
	}
	if len(p.Query) > d.max.Bytes {
		return limitError("the document is larger than %d bytes", d.max.Bytes)
	}
	if tokens > d.max.Tokens {
		return limitError("the document has more than %d tokens", d.max.Tokens)
	}
	if !lexed {
		return nil // gqlgen reports the syntax error
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil // the same
	}
	return d.max.check(doc)
}

func limitError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}
}

// countTokens counts the document's tokens, up to most. It stops at a lexical error (lexed
// false), which the parser reports better.
func countTokens(query string, most int) (n int, lexed bool) {
	lx := lexer.New(&ast.Source{Input: query})
	for n < most {
		tok, err := lx.ReadToken()
		if err != nil {
			return n, false
		}
		if tok.Kind == lexer.EOF {
			return n, true
		}
		n++
	}
	return n, true
}

// check walks the parsed document, in time linear in its size, fragments expanded.
func (m documentLimits) check(doc *ast.QueryDocument) *gqlerror.Error {
	if n := len(doc.Operations) + len(doc.Fragments); n > m.Definitions {
		return limitError("the document defines %d operations and fragments, more than the limit of %d", n, m.Definitions)
	}
	c := &docWalk{max: m, fragments: map[string]*ast.FragmentDefinition{}, sizes: map[string]docSize{}}
	for _, f := range doc.Fragments {
		if c.fragments[f.Name] == nil { // validation refuses the second one
			c.fragments[f.Name] = f
		}
	}
	if err := m.checkWalk(doc, c.fragments); err != nil {
		return err
	}
	for _, op := range doc.Operations {
		if len(op.VariableDefinitions) > m.Variables {
			return limitError("an operation defines %d variables, more than the limit of %d", len(op.VariableDefinitions), m.Variables)
		}
		c.directives(op.Directives)
		for _, v := range op.VariableDefinitions {
			c.directives(v.Directives)
		}
		c.root(op.SelectionSet, true)
	}
	for _, f := range doc.Fragments {
		c.directives(f.Directives)
		// Validation compares the fields of every fragment, used or not.
		c.root(f.SelectionSet, false)
	}
	return c.err
}

// docSize counts a selection set with its fragments expanded, saturating at maxCount.
type docSize struct{ fields, selections int }

const maxCount = 1 << 40

func (s docSize) plus(o docSize) docSize {
	return docSize{min(s.fields+o.fields, maxCount), min(s.selections+o.selections, maxCount)}
}

// docWalk holds what check learns: each fragment's expanded size, computed once, so that
// fragments spreading fragments cannot make the walk itself exponential.
type docWalk struct {
	max       documentLimits
	fragments map[string]*ast.FragmentDefinition
	sizes     map[string]docSize // a fragment in progress counts 0: validation refuses cycles
	err       *gqlerror.Error
}

func (c *docWalk) fail(format string, args ...any) {
	if c.err == nil {
		c.err = limitError(format, args...)
	}
}

// root checks one operation's or fragment's selection set: first its expanded size, which
// bounds the merged walk that follows, then the fields that land at each place of the result.
func (c *docWalk) root(set ast.SelectionSet, operation bool) {
	if c.err != nil {
		return
	}
	s := c.size(set, 0)
	switch {
	case c.err != nil:
		return
	case s.fields > c.max.Fields:
		c.fail("operation selects more than %d fields", c.max.Fields)
		return
	case s.selections > c.max.Selections:
		c.fail("operation has more than %d selections, fragments expanded", c.max.Selections)
		return
	}
	depth := -1 // a fragment's depth counts where it is spread
	if operation {
		depth = 1
	}
	c.merged([]ast.SelectionSet{set}, depth, c.max.Depth)
}

// size counts set's fields and selections, fragments expanded, checking each selection's
// arguments and directives on the way (each is seen once: a fragment's size is remembered),
// and that inline fragments nest at most Depth deep in one another (inline is how deep set is).
func (c *docWalk) size(set ast.SelectionSet, inline int) docSize {
	var s docSize
	for _, sel := range set {
		s.selections = min(s.selections+1, maxCount)
		switch x := sel.(type) {
		case *ast.Field:
			s.fields = min(s.fields+1, maxCount)
			if len(x.Arguments) > c.max.Arguments {
				c.fail("field %q has %d arguments, more than the limit of %d", x.Name, len(x.Arguments), c.max.Arguments)
			}
			c.directives(x.Directives)
			s = s.plus(c.size(x.SelectionSet, 0))
		case *ast.InlineFragment:
			if inline >= c.max.Depth {
				c.fail("inline fragments are nested more than %d deep", c.max.Depth)
				return s
			}
			c.directives(x.Directives)
			s = s.plus(c.size(x.SelectionSet, inline+1))
		case *ast.FragmentSpread:
			c.directives(x.Directives)
			s = s.plus(c.fragmentSize(x.Name))
		}
		if c.err != nil {
			return s
		}
	}
	return s
}

func (c *docWalk) fragmentSize(name string) docSize {
	if s, ok := c.sizes[name]; ok {
		return s
	}
	c.sizes[name] = docSize{}
	f := c.fragments[name]
	if f == nil {
		return docSize{} // validation refuses the unknown fragment
	}
	s := c.size(f.SelectionSet, 0)
	c.sizes[name] = s
	return s
}

func (c *docWalk) directives(ds ast.DirectiveList) {
	if len(ds) > c.max.Directives {
		c.fail("%d directives at one place, more than the limit of %d", len(ds), c.max.Directives)
	}
	for _, d := range ds {
		if len(d.Arguments) > c.max.Arguments {
			c.fail("directive @%s has %d arguments, more than the limit of %d", d.Name, len(d.Arguments), c.max.Arguments)
		}
	}
}

// merged checks the selection sets that merge into one place of the result (the fields with
// one response name, and what fragments spread there): at most SameName fields per response
// name, nested at most maxDepth deep (depth < 0: not checked). Its work is the expanded size,
// which root bounded.
func (c *docWalk) merged(sets []ast.SelectionSet, depth, maxDepth int) {
	if depth > maxDepth {
		c.fail("operation is nested %d levels deep, more than the limit of %d", depth, maxDepth)
		return
	}
	var names []string
	byName := map[string][]*ast.Field{}
	spreading := map[string]bool{}
	var collect func(set ast.SelectionSet)
	collect = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				name := x.Alias
				if name == "" {
					name = x.Name
				}
				if _, ok := byName[name]; !ok {
					names = append(names, name)
				}
				byName[name] = append(byName[name], x)
			case *ast.InlineFragment:
				collect(x.SelectionSet)
			case *ast.FragmentSpread:
				if f := c.fragments[x.Name]; f != nil && !spreading[x.Name] {
					spreading[x.Name] = true
					collect(f.SelectionSet)
					delete(spreading, x.Name)
				}
			}
		}
	}
	for _, set := range sets {
		collect(set)
	}
	for _, name := range names {
		fields := byName[name]
		if len(fields) > c.max.SameName {
			c.fail("%d fields are named %q at one place, more than the limit of %d", len(fields), name, c.max.SameName)
			return
		}
		var children []ast.SelectionSet
		introspection := depth == 1
		for _, f := range fields {
			if len(f.SelectionSet) > 0 {
				children = append(children, f.SelectionSet)
			}
			introspection = introspection && (f.Name == "__schema" || f.Name == "__type")
		}
		if len(children) == 0 {
			continue
		}
		next, most := depth+1, maxDepth
		if depth < 0 {
			next = -1
		} else if introspection {
			most = c.max.IntrospectionDepth
		}
		c.merged(children, next, most)
		if c.err != nil {
			return
		}
	}
}

// definitionNodes is what validation walks of one definition, fragments not expanded: its
// nodes (selections, arguments, values, directives, variables) and the fragments it spreads.
type definitionNodes struct {
	nodes   int
	spreads []string
}

func (d *definitionNodes) selections(set ast.SelectionSet) {
	for _, sel := range set {
		d.nodes++
		switch x := sel.(type) {
		case *ast.Field:
			for _, a := range x.Arguments {
				d.value(a.Value)
			}
			d.directives(x.Directives)
			d.selections(x.SelectionSet)
		case *ast.InlineFragment:
			d.directives(x.Directives)
			d.selections(x.SelectionSet)
		case *ast.FragmentSpread:
			d.directives(x.Directives)
			d.spreads = append(d.spreads, x.Name)
		}
	}
}

func (d *definitionNodes) directives(ds ast.DirectiveList) {
	for _, dir := range ds {
		d.nodes++
		for _, a := range dir.Arguments {
			d.value(a.Value)
		}
	}
}

func (d *definitionNodes) value(v *ast.Value) {
	if v == nil {
		return
	}
	d.nodes++
	for _, c := range v.Children {
		d.value(c.Value)
	}
}

// checkWalk bounds the walk of gqlparser's validator, which walks every operation, and every
// fragment definition, each with all the fragments that it reaches (once each): a large
// fragment spread by many operations is walked once for each. The count stops at the limit,
// so that counting costs no more than the limit.
func (m documentLimits) checkWalk(doc *ast.QueryDocument, fragments map[string]*ast.FragmentDefinition) *gqlerror.Error {
	own := make(map[string]*definitionNodes, len(fragments))
	for name, f := range fragments {
		d := &definitionNodes{}
		d.directives(f.Directives)
		d.selections(f.SelectionSet)
		own[name] = d
	}
	var roots []*definitionNodes
	for _, op := range doc.Operations {
		d := &definitionNodes{}
		d.directives(op.Directives)
		for _, v := range op.VariableDefinitions {
			d.nodes++
			d.value(v.DefaultValue)
			d.directives(v.Directives)
		}
		d.selections(op.SelectionSet)
		roots = append(roots, d)
	}
	for _, f := range doc.Fragments {
		roots = append(roots, own[f.Name])
	}
	total := 0
	for _, r := range roots {
		total += r.nodes
		reached := map[string]bool{}
		next := append([]string(nil), r.spreads...)
		for len(next) > 0 && total <= m.Walk {
			name := next[len(next)-1]
			next = next[:len(next)-1]
			f := own[name]
			if reached[name] || f == nil {
				continue
			}
			reached[name] = true
			total += f.nodes
			next = append(next, f.spreads...)
		}
		if total > m.Walk {
			return limitError("validating the document would walk more than %d nodes (each operation and fragment with every fragment it spreads)", m.Walk)
		}
	}
	return nil
}
