// Package web holds what the pages the server embeds (GraphiQL, the console) share: their
// Content-Security-Policy.
package web

import "regexp"

// cspHost matches a Host header that can be written into a CSP host-source as is (CSP has no
// syntax for IPv6 literals).
var cspHost = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]+)?$`)

// ContentSecurityPolicy allows a page's own scripts (no inline ones), its own stylesheets and
// inline styles (GraphiQL's dialogs inject a <style> element; Preact and Cytoscape.js set
// element styles), images from itself and data: URLs, fonts from fontSrc, and calls to the
// server the page came from only. 'self' in connect-src covers the websocket to the same host in
// current browsers; the explicit ws:/wss: sources are for older ones.
func ContentSecurityPolicy(host, fontSrc string) string {
	connect := "'self'"
	if cspHost.MatchString(host) {
		connect += " ws://" + host + " wss://" + host
	}
	return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data:; font-src " + fontSrc + "; connect-src " + connect + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}
