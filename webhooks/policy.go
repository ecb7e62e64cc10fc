package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/partnergraph/partnergraph"
)

// Policy says which endpoints may be reached. The zero Policy is the production one: https
// only, and no loopback, private, link-local, metadata or otherwise special address.
type Policy struct {
	// AllowHTTP allows http:// URLs (development: a receiver without TLS).
	AllowHTTP bool
	// AllowLoopback allows 127.0.0.0/8 and ::1 (development and tests: a receiver on this
	// machine). Private and link-local addresses stay refused.
	AllowLoopback bool
}

// errRefusedAddress is the cause of a delivery whose host resolved to an address the policy
// refuses.
var errRefusedAddress = errors.New("refused address")

// blocked are the networks no delivery may reach besides loopback, private (RFC 1918, ULA) and
// link-local, which netip tells itself: what is not the public internet, and the cloud metadata
// services (169.254.169.254 is link-local; fd00:ec2::254 is ULA).
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: would reach any IPv4 address, private ones too
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// CheckAddr returns errRefusedAddress (wrapped, naming the address) unless the policy lets a
// delivery connect to ip.
func (p Policy) CheckAddr(ip netip.Addr) error {
	ip = ip.Unmap()
	if ip.IsLoopback() {
		if p.AllowLoopback {
			return nil
		}
		return fmt.Errorf("%w %s: loopback", errRefusedAddress, ip)
	}
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return fmt.Errorf("%w %s: not a public address", errRefusedAddress, ip)
	}
	for _, b := range blocked {
		if b.Contains(ip) {
			return fmt.Errorf("%w %s: reserved (%s)", errRefusedAddress, ip, b)
		}
	}
	return nil
}

// CheckURL returns EINVALID naming "url" unless the URL is well formed
// (partnergraph.CheckWebhookURL), https (or http when allowed), and not a literal address the
// policy refuses. A host name is checked when a delivery connects, on the address it resolved
// to: a check at registration would prove nothing about the next resolution.
func (p Policy) CheckURL(raw string) error {
	if err := partnergraph.CheckWebhookURL(raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if u.Scheme != "https" && !p.AllowHTTP {
		return partnergraph.Invalidf("url", "must be an https URL")
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := p.CheckAddr(ip); err != nil {
			return partnergraph.Invalidf("url", "must not point to a loopback, private, link-local or reserved address")
		}
	}
	return nil
}

// Client returns the HTTP client deliveries use: every connection's address is checked after
// DNS resolution, on the address actually dialled (the dialer's Control hook), so a name that
// resolves to an internal address, or changes to one between a check and the connection, is
// refused; no proxy from the environment; redirects are not followed (a 3xx is the answer,
// and a failure); the whole request, body included, is bounded by timeout.
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout: min(timeout, 10*time.Second),
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w %q: %v", errRefusedAddress, address, err)
			}
			return p.CheckAddr(ap.Addr())
		},
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   min(timeout, 10*time.Second),
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
