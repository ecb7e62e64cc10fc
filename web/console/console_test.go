package console

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

var assetRef = regexp.MustCompile(`(?:src|href)="\./(assets/[^"]+)"`)

// TestPage checks the page and that every file it names is embedded and served with its type,
// so a build that was not committed in full fails here, not in a browser.
func TestPage(t *testing.T) {
	h := Handler(false)
	res, body := get(t, h, "/console/")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /console/ = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self' ws://example.com wss://example.com;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(body) {
		t.Errorf("the page has an inline script, which the CSP refuses:\n%s", body)
	}
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).FindString(body); m != "" {
		t.Errorf("the page loads from another host (%q): it must work offline", m)
	}
	if !strings.Contains(body, `content="production"`) {
		t.Errorf("a production server's page is not marked production:\n%s", body)
	}
	refs := assetRef.FindAllStringSubmatch(body, -1)
	if len(refs) < 2 {
		t.Fatalf("the page names %d assets, want its script and stylesheet:\n%s", len(refs), body)
	}
	for _, m := range refs {
		res, data := get(t, h, "/console/"+m[1])
		if res.StatusCode != http.StatusOK || len(data) == 0 {
			t.Errorf("GET /console/%s = %d, %d bytes", m[1], res.StatusCode, len(data))
		}
		if want := contentType(m[1]); res.Header.Get("Content-Type") != want {
			t.Errorf("%s: Content-Type %q, want %q", m[1], res.Header.Get("Content-Type"), want)
		}
		if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable (names are content hashes)", m[1], res.Header.Get("Cache-Control"))
		}
	}
}

func TestDevMode(t *testing.T) {
	_, body := get(t, Handler(true), "/console/")
	if !strings.Contains(body, `<meta name="partnergraph-mode" content="development">`) {
		t.Errorf("a development server's page is not marked development:\n%s", body)
	}
}

func TestPaths(t *testing.T) {
	h := Handler(false)
	for _, c := range []struct {
		target string
		status int
	}{
		{"/console", http.StatusMovedPermanently},
		{"/console/assets/nope.js", http.StatusNotFound},
		{"/console/other", http.StatusNotFound},
	} {
		res, _ := get(t, h, c.target)
		if res.StatusCode != c.status {
			t.Errorf("GET %s = %d, want %d", c.target, res.StatusCode, c.status)
		}
	}
}

// TestLicenses checks that the licences of the bundled packages are served with the code.
func TestLicenses(t *testing.T) {
	res, body := get(t, Handler(false), "/console/assets/licenses.md")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET licenses.md = %d", res.StatusCode)
	}
	for _, pkg := range []string{"cytoscape", "preact", "graphql-ws", "htm"} {
		if !strings.Contains(body, "## "+pkg+" ") {
			t.Errorf("licenses.md does not name %s", pkg)
		}
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("licenses.md: Cache-Control %q, want no-cache (its name has no hash)", cc)
	}
}
