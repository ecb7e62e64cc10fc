package neo4jtest

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// locks are the lock files this test binary holds, by path. Each is taken once and kept open
// until the binary exits, when the kernel releases it.
var locks struct {
	sync.Mutex
	held map[string]*os.File
}

// Lock takes the machine-wide lock on the database of s, unless this process already holds it,
// waiting while another process holds it.
func Lock(s Server) error {
	sum := sha256.Sum256([]byte(s.URI + "\x00" + s.database()))
	path := filepath.Join(os.TempDir(), fmt.Sprintf("partnergraph-neo4jtest-%x.lock", sum[:8]))
	locks.Lock()
	defer locks.Unlock()
	if locks.held[path] != nil {
		return nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := flock(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if locks.held == nil {
		locks.held = map[string]*os.File{}
	}
	locks.held[path] = f
	return nil
}
