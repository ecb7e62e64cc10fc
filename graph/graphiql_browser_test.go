package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// TestGraphiQLInChromium opens GraphiQL, served by the real handler in development mode over
// the example network, in headless Chromium; opens the documentation explorer as a user
// would (its button) and checks that it lists the schema's Query type, which needs the
// schema from GraphiQL's own introspection query; and checks that the browser reported no
// uncaught exception, console error or Content-Security-Policy violation. It drives the
// browser through the DevTools protocol. Run it with scripts/graphiql-check.sh (it runs only
// with GRAPHIQL_CHROMIUM=1, and then fails when there is no chromium).
func TestGraphiQLInChromium(t *testing.T) {
	if os.Getenv("GRAPHIQL_CHROMIUM") != "1" {
		t.Skip("set GRAPHIQL_CHROMIUM=1 (or run scripts/graphiql-check.sh) to open GraphiQL in headless Chromium")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("GRAPHIQL_CHROMIUM=1 but no chromium on PATH (apt-get install chromium): %v", err)
	}
	s := newHardServer(t, nil)
	b := startChromium(t, chromium, s.url+"/")

	b.waitFor(t, "GraphiQL to render", `document.querySelector('.graphiql-container') !== null`)
	b.eval(t, `document.querySelector('button[aria-label="Show Documentation Explorer"]').click(), true`)
	b.waitFor(t, "the documentation explorer to list Query",
		`[...document.querySelectorAll('.graphiql-doc-explorer a, .graphiql-doc-explorer span')].some(e => e.textContent.trim() === 'Query')`)
	docs := b.eval(t, `document.querySelector('.graphiql-doc-explorer').innerText`)
	t.Logf("documentation explorer:\n%s", docs)
	if !strings.Contains(fmt.Sprint(docs), "query") {
		t.Errorf("the documentation explorer does not show the root types:\n%s", docs)
	}
	// The schema answered GraphiQL's introspection query: no error in the result pane either.
	if errText := b.eval(t, `(document.querySelector('.graphiql-response') || {}).innerText || ''`); strings.Contains(fmt.Sprint(errText), "error") {
		t.Errorf("the result pane shows an error: %s", errText)
	}
	for _, p := range b.problems() {
		t.Errorf("browser: %s", p)
	}
}

// devtools is a headless Chromium driven through the DevTools protocol on one page.
type devtools struct {
	conn *websocket.Conn
	next int

	mu       sync.Mutex
	replies  map[int]chan json.RawMessage
	reported []string // uncaught exceptions, console errors, CSP violations
	stderr   strings.Builder
}

var devtoolsURL = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// startChromium opens url in headless Chromium, with a throwaway profile, and connects to the
// page's DevTools endpoint. Both end with the test.
func startChromium(t *testing.T, chromium, url string) *devtools {
	t.Helper()
	// Not t.TempDir: Chromium's helper processes may still write there as it is removed.
	profile, err := os.MkdirTemp("", "graphiql-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--user-data-dir="+profile, "--remote-debugging-address=127.0.0.1",
		"--remote-debugging-port=0", "--enable-logging=stderr", "--v=0", "--window-size=1280,800", url)
	// Its own process group, so that its helper processes can be ended with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	b := &devtools{replies: map[int]chan json.RawMessage{}}
	found := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			b.mu.Lock()
			b.stderr.WriteString(line + "\n")
			if strings.Contains(line, "Content Security Policy") || strings.Contains(line, "Uncaught") {
				b.reported = append(b.reported, "console: "+line)
			}
			b.mu.Unlock()
			if m := devtoolsURL.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	var browserURL string
	t.Cleanup(func() {
		// Browser.close ends Chromium and its helpers cleanly; the group's kill is for a
		// browser that does not answer.
		if browserURL != "" {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if c, _, err := websocket.Dial(ctx, browserURL, nil); err == nil {
				wsjson.Write(ctx, c, map[string]any{"id": 1, "method": "Browser.close"})
				c.Read(ctx)
				c.CloseNow()
			}
			cancel()
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		<-done
		os.RemoveAll(profile)
	})

	select {
	case browserURL = <-found:
	case <-time.After(30 * time.Second):
		b.mu.Lock()
		defer b.mu.Unlock()
		t.Fatalf("chromium printed no DevTools address:\n%s", b.stderr.String())
	}
	// The page's own endpoint: /json/list on the browser's host.
	host := strings.TrimPrefix(browserURL, "ws://")
	host = host[:strings.IndexByte(host, '/')]
	var pageURL string
	deadline := time.Now().Add(30 * time.Second)
	for pageURL == "" {
		if time.Now().After(deadline) {
			t.Fatal("chromium opened no page")
		}
		res, err := http.Get("http://" + host + "/json/list")
		if err == nil {
			var targets []struct{ Type, URL, WebSocketDebuggerURL string }
			json.NewDecoder(res.Body).Decode(&targets)
			res.Body.Close()
			for _, tg := range targets {
				if tg.Type == "page" && strings.HasPrefix(tg.URL, url) {
					pageURL = tg.WebSocketDebuggerURL
				}
			}
		}
		if pageURL == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	b.conn, _, err = websocket.Dial(dctx, pageURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.conn.SetReadLimit(64 << 20)
	t.Cleanup(func() { b.conn.CloseNow() })
	go b.read()
	b.call(t, "Runtime.enable", nil)
	b.call(t, "Log.enable", nil)
	return b
}

// read dispatches replies to their calls and keeps the problems the page reports.
func (b *devtools) read() {
	for {
		var m struct {
			ID     int             `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
			Error  json.RawMessage `json:"error"`
		}
		if err := wsjson.Read(context.Background(), b.conn, &m); err != nil {
			return
		}
		b.mu.Lock()
		switch {
		case m.ID != 0:
			if ch := b.replies[m.ID]; ch != nil {
				if m.Error != nil {
					ch <- json.RawMessage(`{"error":` + string(m.Error) + `}`)
				} else {
					ch <- m.Result
				}
			}
		case m.Method == "Runtime.exceptionThrown":
			b.reported = append(b.reported, "uncaught exception: "+string(m.Params))
		case m.Method == "Runtime.consoleAPICalled" && strings.Contains(string(m.Params), `"type":"error"`):
			b.reported = append(b.reported, "console error: "+string(m.Params))
		case m.Method == "Log.entryAdded" && strings.Contains(string(m.Params), `"level":"error"`):
			b.reported = append(b.reported, "log error: "+string(m.Params))
		}
		b.mu.Unlock()
	}
}

// call sends one DevTools command and returns its result.
func (b *devtools) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	ch := make(chan json.RawMessage, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.replies[id] = ch
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, b.conn, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	select {
	case r := <-ch:
		return r
	case <-ctx.Done():
		t.Fatalf("%s: no answer", method)
		return nil
	}
}

// eval evaluates a JavaScript expression in the page and returns its value.
func (b *devtools) eval(t *testing.T, expr string) any {
	t.Helper()
	raw := b.call(t, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true})
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails json.RawMessage `json:"exceptionDetails"`
		Error            json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	if r.ExceptionDetails != nil || r.Error != nil {
		t.Fatalf("%s: %s %s", expr, r.ExceptionDetails, r.Error)
	}
	return r.Result.Value
}

// waitFor evaluates cond until it is true, for up to 30 s.
func (b *devtools) waitFor(t *testing.T, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for b.eval(t, cond) != true {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; the page shows:\n%v", what, b.eval(t, `document.body.innerText`))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *devtools) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.reported...)
}
