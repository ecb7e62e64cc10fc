package webhooks_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/webhooks"
)

// receiverSnippet returns the fenced block that follows `<!-- webhook-receiver: NAME -->` in
// the README.
func receiverSnippet(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- webhook-receiver: " + name + " -->\\s*```\\w+\\n(.*?)```")
	m := re.FindSubmatch(b)
	if m == nil {
		t.Fatalf("README has no %s receiver snippet", name)
	}
	return string(m[1])
}

// receiverCases are a delivery signed during a rotation (two secrets) and what verify must
// answer: true for either secret, false for another secret, a changed body, or a timestamp
// older than the 5-minute tolerance.
type receiverCase struct {
	secret, ts, sig, body string
	want                  bool
}

func receiverCases() []receiverCase {
	body := `{"id":"offer_1","type":"offer","data":{"score":0.7}}`
	oldSecret, newSecret := "whsec_old-secret-0123456789", "whsec_new-secret-0123456789"
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	sig := webhooks.Signature([]string{newSecret, oldSecret}, now, []byte(body))
	staleSig := webhooks.Signature([]string{newSecret}, stale, []byte(body))
	return []receiverCase{
		{newSecret, now, sig, body, true},
		{oldSecret, now, sig, body, true},
		{"whsec_someone-else-0123456789", now, sig, body, false},
		{newSecret, now, sig, body + " ", false},
		{newSecret, stale, staleSig, body, false},
		{newSecret, "", sig, body, false},
	}
}

// TestREADMEReceivers runs the README's Go and JavaScript receiver snippets against deliveries
// signed as the deliverer signs them.
func TestREADMEReceivers(t *testing.T) {
	cases := receiverCases()
	var want []string
	for _, c := range cases {
		want = append(want, strconv.FormatBool(c.want))
	}
	dir := t.TempDir()

	t.Run("go", func(t *testing.T) {
		var calls strings.Builder
		for _, c := range cases {
			fmt.Fprintf(&calls, "\tcheck(%q, %q, %q, %q)\n", c.secret, c.ts, c.sig, c.body)
		}
		src := `package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

` + receiverSnippet(t, "go") + `
func check(secret, ts, sig, body string) {
	r, _ := http.NewRequest("POST", "http://receiver/", strings.NewReader(body))
	r.Header.Set("PartnerGraph-Timestamp", ts)
	r.Header.Set("PartnerGraph-Signature", sig)
	fmt.Println(verify(r, []byte(body), secret))
}

func main() {
` + calls.String() + "}\n"
		file := filepath.Join(dir, "receiver.go")
		if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("go", "run", file).CombinedOutput()
		if err != nil {
			t.Fatalf("go run the README's receiver: %v\n%s", err, out)
		}
		if got := strings.Fields(string(out)); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("the README's Go receiver answered %v, want %v", got, want)
		}
	})

	t.Run("node", func(t *testing.T) {
		node, err := exec.LookPath("node")
		if err != nil {
			t.Fatal("node is not installed: the README's JavaScript receiver cannot be checked")
		}
		var calls strings.Builder
		for _, c := range cases {
			fmt.Fprintf(&calls, "console.log(verify({\"partnergraph-timestamp\": %q, \"partnergraph-signature\": %q}, %q, %q));\n", c.ts, c.sig, c.body, c.secret)
		}
		file := filepath.Join(dir, "receiver.js")
		if err := os.WriteFile(file, []byte(receiverSnippet(t, "node")+"\n"+calls.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, file).CombinedOutput()
		if err != nil {
			t.Fatalf("node the README's receiver: %v\n%s", err, out)
		}
		if got := strings.Fields(string(out)); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("the README's JavaScript receiver answered %v, want %v", got, want)
		}
	})
}
