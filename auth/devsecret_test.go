package auth

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestDevSecretCreatesAndReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	secret, created, err := DevSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !created {
		t.Error("created = false on first call, want true")
	}
	raw, err := hex.DecodeString(string(secret))
	if err != nil || len(raw) < 32 {
		t.Errorf("secret %d bytes, hex decode %d bytes (%v); want 32 random bytes hex-encoded", len(secret), len(raw), err)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, DevSecretFile): 0o600} {
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Mode().Perm(); got != want {
				t.Errorf("%s mode = %#o, want %#o", path, got, want)
			}
		}
	}

	again, created, err := DevSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Error("created = true on second call, want false")
	}
	if !bytes.Equal(again, secret) {
		t.Error("second call returned another secret")
	}
	if _, err := NewVerifier(context.Background(), Config{HMACSecret: secret}); err != nil {
		t.Errorf("NewVerifier refuses the dev secret: %v", err)
	}

	other, created, err := DevSecret(t.TempDir())
	if err != nil || !created {
		t.Fatalf("DevSecret(other dir) = _, %v, %v", created, err)
	}
	if bytes.Equal(other, secret) {
		t.Error("two directories got the same secret")
	}
}

func TestDevSecretRefusesBadFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{"readable by others", func(t *testing.T, path string) {
			if runtime.GOOS == "windows" {
				t.Skip("no mode bits on windows")
			}
			write(t, path, bytes.Repeat([]byte("a"), 64), 0o600)
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"writable by the group", func(t *testing.T, path string) {
			if runtime.GOOS == "windows" {
				t.Skip("no mode bits on windows")
			}
			write(t, path, bytes.Repeat([]byte("a"), 64), 0o600)
			if err := os.Chmod(path, 0o620); err != nil {
				t.Fatal(err)
			}
		}},
		{"too short", func(t *testing.T, path string) {
			write(t, path, []byte("short-secret\n"), 0o600)
		}},
		{"short once white space is trimmed", func(t *testing.T, path string) {
			write(t, path, append(bytes.Repeat([]byte("a"), 31), []byte("  \n\n")...), 0o600)
		}},
		{"a directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, filepath.Join(dir, DevSecretFile))
			if secret, created, err := DevSecret(dir); err == nil {
				t.Fatalf("DevSecret = %d bytes, %v, nil; want an error", len(secret), created)
			}
		})
	}
}

func TestDevSecretReadsOperatorSecret(t *testing.T) {
	dir := t.TempDir()
	want := bytes.Repeat([]byte("k"), 40)
	write(t, filepath.Join(dir, DevSecretFile), append(want, '\n'), 0o600)
	got, created, err := DevSecret(dir)
	if err != nil || created || !bytes.Equal(got, want) {
		t.Fatalf("DevSecret = %q, %v, %v; want %q, false, nil", got, created, err, want)
	}
}

func write(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
}
