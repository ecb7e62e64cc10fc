//go:build unix

package neo4jtest

import (
	"os"
	"syscall"
	"testing"
)

// TestLock checks that the lock keeps other holders out (another process opens the file anew,
// as this second open does) and that the process that holds it may take it again.
func TestLock(t *testing.T) {
	s := Server{URI: "bolt://127.0.0.1:1", Database: t.Name()}
	if err := Lock(s); err != nil {
		t.Fatal(err)
	}
	if err := Lock(s); err != nil {
		t.Fatalf("the holder cannot take its lock again: %v", err)
	}
	var path string
	for p := range locks.held {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != syscall.EWOULDBLOCK {
		t.Fatalf("a second holder took the lock: %v", err)
	}
}
