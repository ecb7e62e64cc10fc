// Package console serves the PartnerGraph console, the web app at /console where members work
// their suggestions, inbox, leads and ledger, and admins look at and curate the trust graph.
//
// The app's source is console/ at the repository's root (Preact and Cytoscape.js, built with
// Vite); its build, dist/, is committed and embedded here, so the Go build needs no Node.js and
// the page works with no internet access. console/build.sh rebuilds it, and CI fails when the
// committed build differs from a fresh one. The app only calls the public GraphQL API.
package console

import (
	"bytes"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph/web"
)

// Path is where Handler serves the console: the page at Path+"/", its files under
// Path+"/assets/".
const Path = "/console"

//go:embed dist
var dist embed.FS

// prodMode is the mode marker of the built page; development servers rewrite it, which turns
// on the page's help for minting development tokens.
const prodMode = `<meta name="partnergraph-mode" content="production">`

// Handler serves the console under Path: the page (GET /console/, and /console redirects
// there) and its content-hashed assets. dev tells the page that the server runs in
// development mode.
func Handler(dev bool) http.Handler {
	index, err := dist.ReadFile("dist/index.html")
	if err != nil {
		panic("console: the build has no index.html: run console/build.sh")
	}
	if !bytes.Contains(index, []byte(prodMode)) {
		panic("console: the built index.html lacks its mode marker")
	}
	if dev {
		index = bytes.Replace(index, []byte(prodMode), []byte(`<meta name="partnergraph-mode" content="development">`), 1)
	}
	assets, err := fs.Sub(dist, "dist/assets")
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, http.RedirectHandler(Path+"/", http.StatusMovedPermanently))
	mux.HandleFunc("GET "+Path+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", web.ContentSecurityPolicy(r.Host, "'self'"))
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(index))
	})
	mux.HandleFunc("GET "+Path+"/assets/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		data, err := fs.ReadFile(assets, name)
		if err != nil || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType(name))
		h.Set("X-Content-Type-Options", "nosniff")
		// Vite names the code and styles by a hash of their content: such a name never changes
		// meaning. The licences file keeps its name.
		if hashed.MatchString(name) {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	})
	return mux
}

// hashed matches the names Vite gives built files: name-HASH.ext.
var hashed = regexp.MustCompile(`-[A-Za-z0-9_-]{8}\.(js|css)$`)

// contentType does not use mime.TypeByExtension, whose answers depend on the host.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	default:
		return "application/octet-stream"
	}
}
