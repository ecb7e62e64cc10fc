// Package graphiql serves the GraphiQL IDE for the GraphQL API.
//
// Everything the page needs (React, GraphiQL, the explorer plugin, their CSS
// and a small bootstrap script) is embedded in the binary, because many
// deployments, and the machines the project is developed on, have no
// internet access: a page that loads its scripts from a CDN would stay blank
// there. See assets/README.md for where the vendored files come from.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"time"

	"github.com/partnergraph/partnergraph/web"
)

// DefaultEndpoint is the GraphQL endpoint the page talks to when Handler is
// given an empty one.
const DefaultEndpoint = "/graphql"

// AssetPath is the URL path prefix under which Handler serves the page's
// scripts and stylesheets. It is exported so that a caller that does not
// mount the handler at "/" knows which second path to route to it.
const AssetPath = "/graphiql/assets/"

// Vendored third-party files (assets/) and the package's own bootstrap
// script and page stylesheet.
//
//go:embed assets/*.js assets/*.css assets/*.LICENSE graphiql-init.js graphiql-page.css
var files embed.FS

//go:embed index.html
var indexHTML string

// asset is one embedded file, ready to serve.
type asset struct {
	data        []byte
	contentType string
	// version is a content hash: it is the ETag and the ?v= query parameter
	// the page puts on asset URLs, so that those URLs change whenever the
	// file does and can be cached as immutable.
	version string
}

// assets maps a file's base name (the part of its URL after AssetPath) to
// its content.
var assets = loadAssets()

var page = template.Must(template.New("index.html").
	Funcs(template.FuncMap{"asset": assetURL}).
	Parse(indexHTML))

// Handler returns the handler for the GraphiQL IDE, talking to the GraphQL
// endpoint (a same-origin path such as "/graphql"; empty means
// DefaultEndpoint).
//
// It serves GET / (the page) and GET /graphiql/assets/{name} (its scripts
// and stylesheets), and answers 404 for every other path, so one mount at
// "/" is enough:
//
//	mux.Handle("/", graphiql.Handler("/graphql"))
//
// The page refers to its assets by relative URLs, so it also works behind
// http.StripPrefix as long as it is reached with a trailing slash
// (e.g. /ide/).
func Handler(endpoint string) http.Handler {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, struct{ Endpoint string }{endpoint}); err != nil {
		panic(fmt.Sprintf("graphiql: rendering index.html: %v", err))
	}
	html := buf.Bytes()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", web.ContentSecurityPolicy(r.Host, "'self' data:")) // GraphiQL's fonts and icons are data: URLs in its CSS
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(html))
	})
	mux.HandleFunc("GET "+AssetPath+"{name}", serveAsset)
	return mux
}

// serveAsset serves one embedded file. A request carrying the current ?v=
// version may be cached for a year; any other is told to revalidate, which
// the ETag makes cheap (304).
func serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+a.version+`"`)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.data))
}

// assetURL is the template function that names an embedded file in the
// page. It fails (and with it the template, at start-up) for a file that is
// not embedded. The URL is relative so the page works under any mount
// prefix.
func assetURL(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", fmt.Errorf("graphiql: no embedded asset %q", name)
	}
	return AssetPath[1:] + name + "?v=" + a.version, nil
}

func loadAssets() map[string]asset {
	m := make(map[string]asset)
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		m[path.Base(p)] = asset{
			data:        data,
			contentType: contentType(p),
			version:     hex.EncodeToString(sum[:8]),
		}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("graphiql: reading embedded assets: %v", err))
	}
	return m
}

// contentType does not use mime.TypeByExtension, whose answers depend on the
// host's /etc/mime.types.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
}
