package auth

import (
	"context"
	"net/http"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// Middleware authenticates requests by their "Authorization: Bearer <token>" header (the
// scheme in any letter case). A request without the header, or with an empty one, goes on
// anonymous: no identity in its context, and the resolvers decide what anonymous callers may
// do. A request whose header is malformed or whose token Verify refuses never reaches next:
// it is answered 401 with WWW-Authenticate: Bearer error="invalid_request" or
// error="invalid_token" and a GraphQL-style body whose error has extensions.code
// UNAUTHENTICATED, so that a client with a bad token learns it instead of being served as
// anonymous.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Authorization")
		if len(values) == 0 || len(values) == 1 && strings.TrimSpace(values[0]) == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(values) > 1 {
			writeUnauthorized(w, "invalid_request", unauthenticated("more than one Authorization header"))
			return
		}
		token, err := bearerToken(values[0])
		if err != nil {
			writeUnauthorized(w, "invalid_request", err)
			return
		}
		id, err := v.Verify(r.Context(), token)
		if err != nil {
			writeUnauthorized(w, "invalid_token", err)
			return
		}
		next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
	})
}

// bearerToken returns the token of an Authorization value "Bearer <token>", or an
// EUNAUTHENTICATED error.
func bearerToken(value string) (string, error) {
	scheme, token, _ := strings.Cut(strings.TrimSpace(value), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", unauthenticated(`authorization must be "Bearer <token>"`)
	}
	return token, nil
}

// writeUnauthorized answers 401 in the shape of a GraphQL response, so that clients read the
// error where they read every other one. code is the RFC 6750 error code.
func writeUnauthorized(w http.ResponseWriter, code string, err error) {
	w.Header().Set("WWW-Authenticate", `Bearer error="`+code+`"`)
	writeError(w, http.StatusUnauthorized, partnergraph.EUNAUTHENTICATED, err)
}

// FromInitPayload authenticates a websocket connection by its connection_init payload. The
// token is read from an "Authorization" value "Bearer <token>" (GraphiQL sends its headers
// editor as the payload) or from a "token" value holding the bare token; keys match in any
// letter case. A payload without either, or with an empty value, is anonymous: (nil, nil).
// A value that is not a string, a payload with more than one of them, or a token that Verify
// refuses is an EUNAUTHENTICATED error.
func (v *Verifier) FromInitPayload(ctx context.Context, payload map[string]any) (*Identity, error) {
	var raw any
	var bearer bool
	found := 0
	for k, val := range payload {
		switch {
		case strings.EqualFold(k, "authorization"):
			raw, bearer = val, true
		case strings.EqualFold(k, "token"):
			raw, bearer = val, false
		default:
			continue
		}
		found++
	}
	if found == 0 {
		return nil, nil
	}
	if found > 1 {
		return nil, unauthenticated("init payload has more than one credential")
	}
	s, ok := raw.(string)
	if !ok {
		return nil, unauthenticated("init payload credential must be a string")
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	token := strings.TrimSpace(s)
	if bearer {
		var err error
		if token, err = bearerToken(s); err != nil {
			return nil, err
		}
	}
	return v.Verify(ctx, token)
}
