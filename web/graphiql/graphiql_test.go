package graphiql

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// get sends one request to h and returns the response with its body read.
func get(t *testing.T, h http.Handler, method, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

var attrURL = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// pageAssetURLs returns the URLs the page loads, resolved against "/".
func pageAssetURLs(t *testing.T, page string) []string {
	t.Helper()
	base, _ := url.Parse("http://example.test/")
	var urls []string
	for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(m[1], "data:") {
			continue
		}
		u, err := base.Parse(m[1])
		if err != nil {
			t.Fatalf("bad URL %q in page: %v", m[1], err)
		}
		urls = append(urls, u.RequestURI())
	}
	return urls
}

func TestPage(t *testing.T) {
	res, body := get(t, Handler(""), "GET", "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Errorf("page does not point at the default endpoint /graphql:\n%s", body)
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9]`).FindString(body); m != "" {
		t.Errorf("page refers to another host (%q):\n%s", m, body)
	}
	if strings.Contains(body, "<script>") || regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(body) {
		t.Errorf("page has an inline script:\n%s", body)
	}

	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self' ws://example.com wss://example.com;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}

	urls := pageAssetURLs(t, body)
	if len(urls) < 5 {
		t.Fatalf("page loads only %d assets: %v", len(urls), urls)
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, AssetPath) {
			t.Errorf("asset URL %q is not under %s", u, AssetPath)
		}
	}
}

func TestPageEscapesEndpoint(t *testing.T) {
	_, body := get(t, Handler(`/q"><script>alert(1)</script>`), "GET", "/", nil)
	if strings.Contains(body, "<script>alert") {
		t.Fatalf("endpoint not escaped:\n%s", body)
	}
	if !strings.Contains(body, `data-endpoint="/q&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`) {
		t.Fatalf("escaped endpoint missing:\n%s", body)
	}
}

func TestAssetsServed(t *testing.T) {
	h := Handler("/graphql")
	_, page := get(t, h, "GET", "/", nil)
	for _, u := range pageAssetURLs(t, page) {
		res, body := get(t, h, "GET", u, nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", u, res.StatusCode)
			continue
		}
		if len(body) == 0 {
			t.Errorf("GET %s: empty body", u)
		}
		want := "text/css"
		if strings.Contains(u, ".js?") {
			want = "text/javascript"
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
			t.Errorf("GET %s: Content-Type = %q, want %s", u, ct, want)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control = %q, want immutable", u, cc)
		}
		etag := res.Header.Get("ETag")
		if etag == "" {
			t.Errorf("GET %s: no ETag", u)
			continue
		}
		res, _ = get(t, h, "GET", u, http.Header{"If-None-Match": {etag}})
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match = %d, want 304", u, res.StatusCode)
		}
	}
}

func TestUnversionedAssetRevalidates(t *testing.T) {
	res, _ := get(t, Handler(""), "GET", AssetPath+"graphiql.min.js", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache without the current ?v=", cc)
	}
}

func TestUnknownPaths(t *testing.T) {
	h := Handler("")
	for _, p := range []string{
		"/nope",
		"/index.html",
		"/graphql",
		"/graphiql/",
		AssetPath,
		AssetPath + "nope.js",
		AssetPath + "README.md",
		AssetPath + "sub/graphiql.min.js",
	} {
		if res, _ := get(t, h, "GET", p, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
		}
	}
}

// TestRendersInChromium loads the page in headless Chromium against a stub
// GraphQL endpoint and checks that GraphiQL rendered and fetched the schema.
// Run it with scripts/graphiql-check.sh. Set GRAPHIQL_SCREENSHOT=/path.png
// to also save a screenshot.
func TestRendersInChromium(t *testing.T) {
	if os.Getenv("GRAPHIQL_CHROMIUM") != "1" {
		t.Skip("set GRAPHIQL_CHROMIUM=1 (or run scripts/graphiql-check.sh) to render the page in headless Chromium")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("GRAPHIQL_CHROMIUM=1 but no chromium on PATH (apt-get install chromium): %v", err)
	}

	var introspected atomic.Bool
	mux := http.NewServeMux()
	mux.Handle("/", Handler("/graphql"))
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query string `json:"query"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(req.Query, "__schema") {
			introspected.Store(true)
			io.WriteString(w, stubIntrospection)
			return
		}
		io.WriteString(w, `{"data":{"hello":"world"}}`)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()

	run := func(extra ...string) string {
		t.Helper()
		profile, err := os.MkdirTemp("", "graphiql-chromium-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(profile)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		args := append([]string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
			"--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync",
			"--user-data-dir=" + profile, "--virtual-time-budget=15000",
			"--enable-logging=stderr", "--v=0",
		}, extra...)
		cmd := exec.CommandContext(ctx, chromium, append(args, srv.URL+"/")...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, stderr.String())
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "Uncaught") {
				t.Errorf("browser console: %s", line)
			}
		}
		return string(out)
	}

	dom := run("--dump-dom")
	for _, want := range []string{
		"graphiql-container",    // GraphiQL rendered
		"graphiql-query-editor", // with its editors
		"GraphiQL Explorer",     // and the explorer plugin registered
		"graphiql-editor-tool",  // the variables/headers tool pane
		`class="CodeMirror`,     // CodeMirror started
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<button[^>]*\bactive\b[^>]*data-name="headers"`).MatchString(dom) {
		t.Error("the Headers editor is not the visible editor tool")
	}
	if !introspected.Load() {
		t.Error("the page never sent an introspection query to /graphql")
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}

	if shot := os.Getenv("GRAPHIQL_SCREENSHOT"); shot != "" {
		run("--screenshot="+shot, "--window-size=1280,800")
		if _, err := os.Stat(shot); err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		t.Logf("screenshot saved to %s", shot)
	}
}

// stubIntrospection is a hand-written introspection result for
//
//	type Query { hello(name: String): String  partner(id: ID!): Partner }
//	type Partner { id: ID!  name: String }
const stubIntrospection = `{"data":{"__schema":{
"queryType":{"name":"Query"},"mutationType":null,"subscriptionType":null,
"directives":[],
"types":[
 {"kind":"OBJECT","name":"Query","description":"Stub schema for the GraphiQL render check.","interfaces":[],"inputFields":null,"enumValues":null,"possibleTypes":null,"fields":[
  {"name":"hello","description":"Says hello.","isDeprecated":false,"deprecationReason":null,
   "args":[{"name":"name","description":null,"defaultValue":null,"type":{"kind":"SCALAR","name":"String","ofType":null}}],
   "type":{"kind":"SCALAR","name":"String","ofType":null}},
  {"name":"partner","description":"Looks up a partner.","isDeprecated":false,"deprecationReason":null,
   "args":[{"name":"id","description":null,"defaultValue":null,"type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"ID","ofType":null}}}],
   "type":{"kind":"OBJECT","name":"Partner","ofType":null}}]},
 {"kind":"OBJECT","name":"Partner","description":null,"interfaces":[],"inputFields":null,"enumValues":null,"possibleTypes":null,"fields":[
  {"name":"id","description":null,"isDeprecated":false,"deprecationReason":null,"args":[],
   "type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"ID","ofType":null}}},
  {"name":"name","description":null,"isDeprecated":false,"deprecationReason":null,"args":[],
   "type":{"kind":"SCALAR","name":"String","ofType":null}}]},
 {"kind":"SCALAR","name":"String","description":null,"fields":null,"interfaces":null,"inputFields":null,"enumValues":null,"possibleTypes":null},
 {"kind":"SCALAR","name":"ID","description":null,"fields":null,"interfaces":null,"inputFields":null,"enumValues":null,"possibleTypes":null},
 {"kind":"SCALAR","name":"Boolean","description":null,"fields":null,"interfaces":null,"inputFields":null,"enumValues":null,"possibleTypes":null}
]}}}`
