//go:build unix

package neo4jtest

import (
	"os"
	"syscall"
)

// flock waits for an exclusive lock on f.
func flock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }
