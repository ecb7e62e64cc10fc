package storetest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/partnergraph/partnergraph"
)

// Decorates fails t unless the type named typeName, a decorator that embeds partnergraph.Store
// and is declared in the package of the running test (the current directory), declares every
// method of partnergraph.Store itself, except those listed in passed, each with why it may go
// to the embedded store untouched. A method added to Store thus fails the decorator's test
// until the decorator handles it or says why it does not: embedding would otherwise pass it
// through silently.
//
// The methods are read from the package's source, since reflection cannot tell a method the
// type declares from one it promotes from the embedded Store.
func Decorates(t *testing.T, typeName string, passed map[string]string) {
	t.Helper()
	declared, err := declaredMethods(".", typeName)
	if err != nil {
		t.Fatal(err)
	}
	if len(declared) == 0 {
		t.Fatalf("no method of %s is declared in this package: is it still here?", typeName)
	}
	store := reflect.TypeFor[partnergraph.Store]()
	var methods []string
	for i := range store.NumMethod() {
		methods = append(methods, store.Method(i).Name)
	}
	for _, m := range methods {
		why, listed := passed[m]
		switch {
		case declared[m] && listed:
			t.Errorf("%s handles Store.%s but also lists it as passed through (%q)", typeName, m, why)
		case !declared[m] && !listed:
			t.Errorf("%s neither handles Store.%s nor lists it as passed through: handle it, or list it with why it needs no handling", typeName, m)
		case listed && strings.TrimSpace(why) == "":
			t.Errorf("%s passes Store.%s through without saying why", typeName, m)
		}
	}
	for m := range passed {
		if !slices.Contains(methods, m) {
			t.Errorf("%s lists %s as passed through, but partnergraph.Store has no such method", typeName, m)
		}
	}
}

// declaredMethods returns the names of the methods that the non-test Go files in dir declare
// on typeName (with a value or a pointer receiver).
func declaredMethods(dir, typeName string) (map[string]bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	out := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, dir+"/"+name, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.Name == typeName {
				out[fn.Name.Name] = true
			}
		}
	}
	return out, nil
}
