package graph_test

import (
	"fmt"
	"github.com/partnergraph/partnergraph/server"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestQueryLimits(t *testing.T) {
	s := newTestServer(t)
	deep := "{ businesses(first: 1) { edges { node { memberships { network { members(first: 1) { edges { node { business { memberships { network { members(first: 1) { edges { node { business { name } } } } } } } } } } } } } } } }"
	var aliases strings.Builder
	aliases.WriteString("{ ")
	for i := range 1500 {
		fmt.Fprintf(&aliases, "f%d: __typename ", i)
	}
	aliases.WriteString("}")
	cases := []struct{ name, query, code string }{
		{"deep nesting", deep, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"alias bomb", aliases.String(), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"wide pages", "{ businesses(first: 100) { edges { node { memberships { network { members(first: 100) { edges { node { role } } } } } } } } }", "COMPLEXITY_LIMIT_EXCEEDED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			r := s.do(t, "", c.query, nil)
			if r.code() != c.code {
				t.Fatalf("code %q (%+v), want %q", r.code(), r.Errors, c.code)
			}
			if len(r.Data) > 0 && string(r.Data) != "null" {
				t.Fatalf("a refused query returned data: %.200s", r.Data)
			}
			t.Logf("refused in %s", time.Since(start))
		})
	}
}

func TestBodyLimits(t *testing.T) {
	s := newTestServer(t)
	big := `{"query":"{ services { slug } }","variables":{"pad":"` + strings.Repeat("x", 70<<10) + `"}}`
	res, err := http.Post(s.url+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("70 KiB body: status %d, want 413", res.StatusCode)
	}
	// A batch (a JSON array) is refused, and the error does not echo the request.
	batch := `[{"query":"{ services { slug } }"},{"query":"{ __typename } SECRET-MARKER"}]`
	res, err = http.Post(s.url+"/graphql", "application/json", strings.NewReader(batch))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusOK || !strings.Contains(string(body), "errors") {
		t.Fatalf("batch: status %d, body %s", res.StatusCode, body)
	}
	if strings.Contains(string(body), "SECRET-MARKER") {
		t.Fatalf("the error echoes the body: %s", body)
	}
}

// TestProductionMode: without development mode there is no introspection, no field
// suggestion in errors, and no GraphiQL; the console is served in both modes, and offers its
// help for minting development tokens only in development.
func TestProductionMode(t *testing.T) {
	for _, dev := range []bool{true, false} {
		s := newHardServer(t, func(o *server.Config) { o.Dev = dev })
		r := s.do(t, "", `{ __schema { queryType { name } } }`, nil)
		if introspects := len(r.Errors) == 0; introspects != dev {
			t.Fatalf("dev %v: introspection works: %v (%+v)", dev, introspects, r.Errors)
		}
		r = s.do(t, "", `{ businesse { edges { cursor } } }`, nil)
		if suggests := len(r.Errors) > 0 && strings.Contains(r.Errors[0].Message, "Did you mean"); suggests != dev {
			t.Fatalf("dev %v: suggestions: %v (%q)", dev, suggests, r.Errors)
		}
		res, err := http.Get(s.url + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if graphiql := res.StatusCode == http.StatusOK; graphiql != dev {
			t.Fatalf("dev %v: GraphiQL at / answers %d", dev, res.StatusCode)
		}
		res, err = http.Get(s.url + "/console")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/console/" {
			t.Fatalf("dev %v: /console answers %d at %s", dev, res.StatusCode, res.Request.URL)
		}
		if marked := strings.Contains(string(page), `content="development"`); marked != dev {
			t.Fatalf("dev %v: the console's page is marked development: %v", dev, marked)
		}
	}
}

// TestIntrospectionDisabledIsAClientError: in production an introspection query is refused as
// a client error (INTROSPECTION_DISABLED, with the HTTP status of validation errors, before
// anything runs), not an INTERNAL error logged at ERROR; __typename still answers.
func TestIntrospectionDisabledIsAClientError(t *testing.T) {
	s := newHardServer(t, func(o *server.Config) { o.Dev = false })
	invalid := s.post(t, "", `{ nosuchfield }`, nil)
	if invalid.body.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("a validation error: %d %+v", invalid.status, invalid.body.Errors)
	}
	for _, q := range []string{
		`{ __schema { queryType { name } } }`,
		`{ t: __type(name: "Query") { name } }`,
		`{ ...Root } fragment Root on Query { services { slug } ... on Query { __schema { types { name } } } }`,
		`query IntrospectionQuery { __schema { queryType { name } } }`,
	} {
		s.logs.Reset()
		r := s.post(t, "", q, nil)
		if r.body.code() != "INTROSPECTION_DISABLED" || r.status != invalid.status || !nullData(r.body.Data) {
			t.Errorf("%s: %d %+v, want %d INTROSPECTION_DISABLED without data", q, r.status, r.body.Errors, invalid.status)
		}
		if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
			t.Errorf("%s: logged at ERROR:\n%s", q, s.logs.String())
		}
	}
	if r := s.post(t, "", `{ __typename services { slug } }`, nil); len(r.body.Errors) > 0 {
		t.Errorf("__typename: %+v", r.body.Errors)
	}
}
