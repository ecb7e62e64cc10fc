package auth

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// DevSecretFile is the name of the development HMAC secret's file in the data directory.
const DevSecretFile = "jwt-secret"

// DevSecret returns the development HMAC secret kept in dir/jwt-secret, so that dev tokens
// survive a restart. When the file is missing it creates it (dir with mode 0700 if needed,
// the file with 0600) holding 32 random bytes, hex-encoded: the secret is the file's text, 64
// bytes with 256 bits of entropy. created reports that, so that the server can log it.
//
// An existing file that group or others may read or write is refused, not tightened: the
// secret may already have leaked, so the operator should delete the file (a new secret is
// made) or chmod 600 it. A file whose text (trailing white space aside) is shorter than 32
// bytes is refused too, as NewVerifier would. The errors are plain errors: the server should
// not start.
func DevSecret(dir string) (secret []byte, created bool, err error) {
	path := filepath.Join(dir, DevSecretFile)
	secret, err = readDevSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("auth: dev secret: %w", err)
	}
	raw := make([]byte, 32)
	rand.Read(raw) // never fails (crypto/rand since Go 1.24)
	secret = []byte(hex.EncodeToString(raw))
	// O_EXCL: of two servers starting at once, one writes and the other reads.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		secret, err = readDevSecret(path)
		return secret, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("auth: dev secret: %w", err)
	}
	_, err = f.Write(append(secret, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("auth: dev secret: %w", err)
	}
	return secret, true, nil
}

// ReadDevSecret returns the development HMAC secret in dir/jwt-secret without ever creating
// it, for a command that mints tokens: a secret it made would be one no server uses. Its error
// wraps fs.ErrNotExist when there is no such file; it refuses a file as DevSecret does.
func ReadDevSecret(dir string) ([]byte, error) {
	return readDevSecret(filepath.Join(dir, DevSecretFile))
}

// readDevSecret reads an existing secret file; its error wraps fs.ErrNotExist when there is
// none.
func readDevSecret(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("auth: dev secret: %w", err)
	}
	defer f.Close()
	// Stat the open file, not the path, so that the mode checked is that of the bytes read.
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auth: dev secret: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("auth: dev secret %s is not a regular file", path)
	}
	// Windows has ACLs, not mode bits: there the mode says nothing about who may read.
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("auth: dev secret %s has mode %#o, open to other users: delete it to make a new secret, or chmod 600 it", path, perm)
	}
	data, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("auth: dev secret: %w", err)
	}
	secret := bytes.TrimRight(data, " \t\r\n")
	if len(secret) < minHMACSecret {
		return nil, fmt.Errorf("auth: dev secret %s has %d bytes, want at least %d", path, len(secret), minHMACSecret)
	}
	return secret, nil
}
