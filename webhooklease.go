package partnergraph

import "context"

// WebhookLeaseRelease ends a server's webhook leases when it stops: the part of Store that
// lets another server take over its endpoints at once rather than when the leases would have
// run out (ClaimWebhooks' ttl). storetest.Run holds its contract.
type WebhookLeaseRelease interface {
	// ReleaseWebhooks ends every lease that holder holds, and returns how many it ended; a
	// RecordWebhookAttempt of holder's is refused afterwards (ECONFLICT). The leases of other
	// holders stay. EINVALID naming "holder" for an empty holder.
	ReleaseWebhooks(ctx context.Context, holder string) (int, error)
}

// CheckWebhookRelease returns EINVALID naming "holder" unless holder has 1 to 256 bytes, as
// ClaimWebhooks takes it.
func CheckWebhookRelease(holder string) error {
	if holder == "" || len(holder) > 256 {
		return Invalidf("holder", "must have 1 to 256 bytes")
	}
	return nil
}
