package graph

import (
	"fmt"
	"strings"
)

// AttackDocument is a document built to make parsing or validation expensive.
type AttackDocument struct {
	Name, Query string
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
	return []AttackDocument{
		{"repeated field", "{ " + rep("a ", 19000) + "}"},
		{"repeated field, nested", "{ businesses { edges { node { " + rep("name ", 12000) + "} } } }"},
		{"repeated alias", "{ " + rep("x: a ", 6000) + "}"},
		{"repeated field with arguments", "{ " + rep(`b: business(id: "x") { name } `, 1900) + "}"},
		{"fragment of repeated fields", "{ ...F ...F } fragment F on Query { " + rep("a ", 19000) + "}"},
		{"fragment spreads", "{ " + rep("...F ", 9000) + "} fragment F on Query { __typename }"},
		{"many fragments", many.String()},
		{"nested fragments", chain.String()},
		{"inline fragments", "{ " + rep("... { a } ", 3900) + "}"},
		// gqlparser refuses to parse more than 1,000 levels.
		{"nested inline fragments", "{ " + rep("... { ", 900) + "__typename" + rep(" }", 900) + " }"},
		{"deep nesting", rep("{ a ", 900) + "{ b }" + rep(" }", 900)},
		{"directives", "{ " + rep("a @skip(if: false) ", 2800) + "}"},
		{"directives on one field", "{ __typename " + rep("@skip(if: false) ", 3300) + "}"},
		{"arguments", "{ a(" + rep("x: 1 ", 3000) + ") a(" + rep("x: 1 ", 3000) + ") }"},
		{"variables", vars.String()},
		{"operations", ops.String()},
		{"1 MB", "{ " + rep("a ", 500000) + "}"},
	}
}
