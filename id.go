package partnergraph

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// NewID returns a new UUIDv7 (RFC 9562): unique, and ordered by creation time, so that
// stores can page by id and index inserts stay local.
func NewID() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = 0x70 | b[6]&0x0f // version 7
	b[8] = 0x80 | b[8]&0x3f // variant 10
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CheckID returns EINVALID naming field unless ValidID(id).
func CheckID(field, id string) error {
	if !ValidID(id) {
		return Invalidf(field, "must be 1-64 letters, digits, '-', '_' or '.'")
	}
	return nil
}

// ValidID reports whether s looks like an id this application generates or imports:
// 1 to 64 characters of letters, digits, '-', '_' and '.'.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// stampNew fills what a store gives a new object: a new id unless it has one, and its creation
// time (now unless it says when), in UTC.
func stampNew(id *string, createdAt *time.Time, now time.Time) {
	if *id == "" {
		*id = NewID()
	}
	if createdAt.IsZero() {
		*createdAt = now
	}
	*createdAt = createdAt.UTC()
}
