package httpapi

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/partnergraph/partnergraph/auth"
)

// costLimiter gives every caller a token bucket of query cost: an operation takes as many
// tokens as its complexity, the bucket refills at perSecond and holds at most burst. Callers
// are told apart by callerKey.
type costLimiter struct {
	perSecond rate.Limit
	burst     int
	now       func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

func newCostLimiter(perSecond float64, burst int) *costLimiter {
	return &costLimiter{perSecond: rate.Limit(perSecond), burst: burst, now: time.Now, buckets: map[string]*bucket{}}
}

// take spends cost from the caller's bucket. When the bucket holds too little it spends
// nothing and says how long until it would hold enough. An operation that costs more than
// the burst costs the whole burst: it runs when the bucket is full rather than never.
func (l *costLimiter) take(key string, cost int) (retryAfter time.Duration, ok bool) {
	n := min(max(cost, 1), l.burst)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.perSecond, l.burst)}
		l.buckets[key] = b
	}
	b.last = now
	r := b.lim.ReserveN(now, n)
	if !r.OK() {
		return time.Duration(math.MaxInt64), false
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	return 0, true
}

// sweep forgets, at most once a minute, the buckets that have refilled completely since their
// last use: a full bucket is the same as a new one, so the map holds only recent callers.
func (l *costLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	full := time.Duration(float64(l.burst) / float64(l.perSecond) * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) > full {
			delete(l.buckets, k)
		}
	}
}

// callerKey names who spends a rate limit or holds websocket connections: the token's
// subject, or the client's address for anonymous callers.
func callerKey(ctx context.Context) string {
	if id := auth.FromContext(ctx); id != nil {
		return "sub:" + id.Sub
	}
	if info := requestInfoFrom(ctx); info != nil {
		return "ip:" + info.clientIP
	}
	return "ip:unknown"
}

// clientIP is the address that anonymous callers are told apart by: the connection's peer,
// or, behind a reverse proxy, the address that the proxy wrote into header (the last entry of
// X-Forwarded-For, which is the one the proxy added itself). IPv6 addresses count by /64,
// which is what one subscriber usually holds.
func clientIP(r *http.Request, header string) string {
	raw := ""
	if header != "" {
		if v := r.Header.Values(header); len(v) > 0 {
			last := v[len(v)-1]
			raw = strings.TrimSpace(last[strings.LastIndexByte(last, ',')+1:])
		}
	}
	if raw == "" {
		raw = r.RemoteAddr
		if host, _, err := net.SplitHostPort(raw); err == nil {
			raw = host
		}
	}
	a, err := netip.ParseAddr(raw)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
