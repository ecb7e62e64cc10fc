package graph

import (
	"fmt"
	"strings"
)

// AttackDocument is a document built to make parsing or validation expensive.
type AttackDocument struct {
	Name, Query string
	Limit       string // what the refusal's message says: which limit refused it
}

// AttackDocuments are the shapes that the document limits must refuse cheaply: each took
// seconds to minutes of CPU to validate before they existed. All but the last fit gqlgen's
// former cap of 20,000 tokens and an HTTP body (64 KiB); the last is as large as a websocket
// message may be (1 MB).
func AttackDocuments() []AttackDocument {
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	var many, manyFrags, chain strings.Builder
	many.WriteString("{ ")
	for i := range 1300 {
		fmt.Fprintf(&many, "...F%d ", i)
		fmt.Fprintf(&manyFrags, "fragment F%d on Query { f%d: a } ", i, i)
	}
	many.WriteString("} ")
	many.WriteString(manyFrags.String())
	chain.WriteString("{ ...F0 } ")
	for i := range 40 {
		fmt.Fprintf(&chain, "fragment F%d on Query { ...F%d ...F%d } ", i, i+1, i+1)
	}
	chain.WriteString("fragment F40 on Query { __typename }")
	var ops strings.Builder
	for i := range 3500 {
		fmt.Fprintf(&ops, "query q%d { a } ", i)
	}
	var vars strings.Builder
	vars.WriteString("query(")
	for i := range 3000 {
		fmt.Fprintf(&vars, "$v%d: Int ", i)
	}
	vars.WriteString(") { " + rep("a(x: $v1) ", 1000) + "}")
	var walks strings.Builder
	for i := range 99 {
		fmt.Fprintf(&walks, "query q%d { ...F } ", i)
	}
	walks.WriteString(`fragment F on Query { business(id: "x", v: [` + rep("1 ", 1000) + `]) { name } }`)
	fields, tokens, sameName := "more than 1000 fields", "more than 20000 tokens", "at one place, more than the limit of 20"
	definitions := "operations and fragments, more than the limit of 100"
	return []AttackDocument{
		{"repeated field", "{ " + rep("a ", 19000) + "}", fields},
		{"repeated field, nested", "{ businesses { edges { node { " + rep("name ", 12000) + "} } } }", fields},
		{"same name under the field limit", "{ " + rep("a ", 999) + "}", sameName},
		{"same name through fragments", "{ " + rep("...F ", 20) + "} fragment F on Query { " + rep("a ", 20) + "}", sameName},
		{"same name, nested", "{ " + rep(`b: business(id: "x") { `+rep("name ", 20)+"} ", 20) + "}", sameName},
		{"repeated alias", "{ " + rep("x: a ", 6000) + "}", fields},
		{"repeated field with arguments", "{ " + rep(`b: business(id: "x") { name } `, 500) + "}", sameName},
		{"fragment of repeated fields", "{ ...F ...F } fragment F on Query { " + rep("a ", 19000) + "}", fields},
		{"fragment spreads", "{ " + rep("...F ", 9000) + "} fragment F on Query { __typename }", fields},
		{"many fragments", many.String(), definitions},
		{"nested fragments", chain.String(), fields},
		{"fragments walked by many operations", walks.String(), "would walk more than 40000 nodes"},
		{"inline fragments", "{ " + rep("... { a } ", 3900) + "}", fields},
		// gqlparser refuses to parse more than 1,000 levels.
		{"nested inline fragments", "{ " + rep("... { ", 900) + "__typename" + rep(" }", 900) + " }", "inline fragments are nested more than 12 deep"},
		{"deep nesting", rep("{ a ", 900) + "{ b }" + rep(" }", 900), "nested 13 levels deep"},
		{"directives", "{ " + rep("a @skip(if: false) ", 2400) + "}", fields},
		{"directives on one field", "{ __typename " + rep("@skip(if: false) ", 2800) + "}", "directives at one place, more than the limit of 10"},
		{"arguments", "{ a(" + rep("x: 1 ", 3000) + ") a(" + rep("x: 1 ", 3000) + ") }", "arguments, more than the limit of 10"},
		{"variables", vars.String(), "variables, more than the limit of 100"},
		{"operations", ops.String(), definitions},
		{"too many tokens", "{ a(x: [" + rep("1 ", 20000) + "]) }", tokens},
		{"1 MB", "{ " + rep("a ", 500000) + "}", "larger than 65536 bytes"},
	}
}
