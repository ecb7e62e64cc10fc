// Package model holds the API's own input and payload types; the domain types come from the
// root package.
package model

// Node is any object with a global id. It is empty so that the domain types (which must not
// depend on the API) satisfy it; the generated code switches on their concrete types.
type Node interface{}
