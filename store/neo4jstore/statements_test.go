package neo4jstore

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStatementFiles checks that every embedded .cypher file holds a statement, is loaded by
// a stmt(...) variable, and that every such variable is used: no dead Cypher, no statement
// that code names but that does not exist (stmt panics at start-up for those).
func TestStatementFiles(t *testing.T) {
	declared := statementVars(t) // file name → variable name
	uses := identUses(t)
	files, err := fs.Glob(cypherFiles, "cypher/*.cypher")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no embedded .cypher files")
	}
	onDisk := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".cypher")
		onDisk[name] = true
		b, err := cypherFiles.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !hasCode(string(b)) {
			t.Errorf("%s holds no statement", f)
		}
		v, ok := declared[name]
		if !ok {
			t.Errorf("%s is not loaded by any stmt(%q)", f, name)
			continue
		}
		// The declaration itself is one use of the identifier.
		if uses[v] < 2 {
			t.Errorf("statement %s (variable %s) is never used", name, v)
		}
	}
	for name := range declared {
		if !onDisk[name] {
			t.Errorf("stmt(%q) names a file that does not exist", name)
		}
	}
}

// statementVars finds every `v = stmt("name")` in the package's Go files.
func statementVars(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range parsePackage(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, v := range spec.Values {
				call, ok := v.(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					continue
				}
				if fn, ok := call.Fun.(*ast.Ident); !ok || fn.Name != "stmt" {
					continue
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok {
					t.Errorf("stmt called with %T, want a string literal", call.Args[0])
					continue
				}
				name, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				if prev, dup := out[name]; dup {
					t.Errorf("statement %s is loaded twice (%s and %s)", name, prev, spec.Names[i].Name)
				}
				out[name] = spec.Names[i].Name
			}
			return true
		})
	}
	return out
}

func identUses(t *testing.T) map[string]int {
	t.Helper()
	uses := map[string]int{}
	for _, f := range parsePackage(t) {
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				uses[id.Name]++
			}
			return true
		})
	}
	return uses
}

func parsePackage(t *testing.T) []*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func hasCode(text string) bool {
	for _, line := range strings.Split(text, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "//") {
			return true
		}
	}
	return false
}

// TestMigrations checks the embedded schema migrations: ordered versions, statements that
// can run again, and only what Community edition offers.
func TestMigrations(t *testing.T) {
	if len(migrations) == 0 {
		t.Fatal("no migrations")
	}
	var last int64
	for _, m := range migrations {
		if m.version <= last {
			t.Errorf("migration %d after %d", m.version, last)
		}
		last = m.version
		for _, st := range m.statements {
			upper := strings.ToUpper(st)
			if !strings.HasPrefix(upper, "CREATE ") && !strings.HasPrefix(upper, "DROP ") {
				t.Errorf("migration %d: a statement that is not schema Cypher (a split comment?): %q", m.version, st)
			}
			idempotent := "IF NOT EXISTS"
			if strings.HasPrefix(strings.TrimSpace(withoutComments(upper)), "DROP ") {
				idempotent = "IF EXISTS"
			}
			if !strings.Contains(upper, idempotent) {
				t.Errorf("migration %d: statement is not idempotent: %s", m.version, st)
			}
			for _, enterprise := range []string{"IS NOT NULL", "IS NODE KEY", "IS RELATIONSHIP KEY", "IS :: "} {
				if strings.Contains(upper, enterprise) {
					t.Errorf("migration %d: %q needs Enterprise edition: %s", m.version, enterprise, st)
				}
			}
		}
	}
	want := []string{"business_id", "service_id", "network_id", "partnership_id", "user_sub",
		"partnership_open_pair", "business_status", "business_name", "business_location", "business_search",
		"lead_id", "lead_referrer_key", "offer_id", "offer_seq", "lead_event_seq", "commission_id",
		"commission_lead_id", "counter_name", "offer_inbox", "offer_due", "offer_business_created", "change_seq", "change_at", "change_trim_name",
		"lead_event_feed", "lead_created", "commission_payer", "commission_payee", "offer_day"}
	var all strings.Builder
	for _, m := range migrations {
		for _, st := range m.statements {
			all.WriteString(st + "\n")
		}
	}
	for _, name := range want {
		if !strings.Contains(all.String(), " "+name+" IF NOT EXISTS") {
			t.Errorf("no migration creates %s", name)
		}
	}
}

// withoutComments drops the // comment lines of a statement.
func withoutComments(st string) string {
	var code []string
	for _, line := range strings.Split(st, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "//") {
			code = append(code, line)
		}
	}
	return strings.Join(code, "\n")
}

func TestSplitStatements(t *testing.T) {
	got := splitStatements("// a comment; with a semicolon\nfirst\nstatement;\n\n// only a comment\n;second\n")
	if len(got) != 2 || got[0] != "first\nstatement" || got[1] != "second" {
		t.Fatalf("splitStatements = %q", got)
	}
}
