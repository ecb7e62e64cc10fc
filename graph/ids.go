package graph

import (
	"encoding/base64"
	"strings"

	"github.com/partnergraph/partnergraph"
)

// The kinds of object that have global ids.
const (
	kindBusiness    = "Business"
	kindService     = "Service"
	kindNetwork     = "Network"
	kindPartnership = "Partnership"
	kindLead        = "Lead"
	kindOffer       = "Offer"
	kindCommission  = "Commission"
	kindWebhook     = "Webhook"
)

// globalID makes the opaque id of an object: base64url of "Kind:id", so that node(id) can tell
// the kind and clients do not build ids of their own.
func globalID(kind, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + id))
}

// localID returns the store id inside a global id of the wanted kind, or EINVALID naming the
// field.
func localID(kind, gid, field string) (string, error) {
	k, id, err := splitID(gid)
	if err != nil || k != kind || !partnergraph.ValidID(id) {
		return "", partnergraph.Invalidf(field, "is not a %s id", kind)
	}
	return id, nil
}

func splitID(gid string) (kind, id string, err error) {
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return "", "", err
	}
	kind, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", "", partnergraph.Invalidf("id", "is not an id")
	}
	return kind, id, nil
}
