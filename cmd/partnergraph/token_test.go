package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mintToken runs the token command with args and returns what it prints on standard output.
func mintToken(t *testing.T, args ...string) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = run(context.Background(), append([]string{"token"}, args...))
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	return strings.TrimSpace(string(out)), err
}

// serveDefaults runs the serve command with its defaults but for a free address, in the
// current directory, and returns its URL; it stops at the end of the test.
func serveDefaults(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", addr}) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	for range 200 {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			return "http://" + addr
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server did not start")
	return ""
}

// viewer asks the server who the token's bearer is and returns the status and the body.
func viewer(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", strings.NewReader(`{"query":"{ viewer { sub } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestTokenDefaultsMatchServe follows the README: the server with its defaults, then the token
// command with its defaults, in the same directory; the server accepts the token. A token the
// server cannot verify gets a 401 that says which key the server expects and how to mint for
// it, without the key. The token command never makes a secret of its own.
func TestTokenDefaultsMatchServe(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := mintToken(t, "--sub", "user-tina", "--role", "member"); err == nil || !strings.Contains(err.Error(), "start the server") {
		t.Fatalf("token before any server: err = %v, want one saying to start the server first", err)
	}
	if _, err := os.Stat(filepath.Join("data", "jwt-secret")); !os.IsNotExist(err) {
		t.Fatalf("the token command made a development secret of its own (stat: %v)", err)
	}

	url := serveDefaults(t)
	token, err := mintToken(t, "--sub", "user-tina", "--role", "member", "--ttl", "1h")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := viewer(t, url, token); status != http.StatusOK || !strings.Contains(body, `"user-tina"`) {
		t.Fatalf("a token minted with the defaults: %d %s", status, body)
	}

	other, err := mintToken(t, "--sub", "user-tina", "--jwt-secret", strings.Repeat("x", 40))
	if err != nil {
		t.Fatal(err)
	}
	status, body := viewer(t, url, other)
	var resp struct {
		Errors []struct{ Message string } `json:"errors"`
	}
	json.Unmarshal([]byte(body), &resp)
	if status != http.StatusUnauthorized || len(resp.Errors) != 1 {
		t.Fatalf("a token signed with another key: %d %s", status, body)
	}
	msg := resp.Errors[0].Message
	abs, _ := filepath.Abs(filepath.Join("data", "jwt-secret"))
	for _, want := range []string{"development secret", abs, "partnergraph token"} {
		if !strings.Contains(msg, want) {
			t.Errorf("401 message %q does not say %q", msg, want)
		}
	}
	secret, err := os.ReadFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(msg, strings.TrimSpace(string(secret))) {
		t.Fatalf("the 401 message leaks the secret: %q", msg)
	}
}

// TestTokenRefusesLongLifetimes: the token command mints no token that the server would
// refuse for living too long, and says which setting decides.
func TestTokenRefusesLongLifetimes(t *testing.T) {
	// A secret of the server's: the token command reads, and never makes, a development one.
	secret := strings.Repeat("s", 32)
	err := run(context.Background(), []string{"token", "--jwt-secret", secret, "--sub", "root", "--role", "admin", "--ttl", "87600h"})
	if err == nil || !strings.Contains(err.Error(), "--jwt-max-lifetime") {
		t.Fatalf("token --ttl 87600h: %v, want a refusal naming --jwt-max-lifetime", err)
	}
	t.Setenv("PARTNERGRAPH_JWT_MAX_LIFETIME", "48h")
	if err := run(context.Background(), []string{"token", "--jwt-secret", secret, "--sub", "root", "--role", "admin", "--ttl", "48h"}); err != nil {
		t.Fatalf("token --ttl 48h with a 48 h limit: %v", err)
	}
}
