package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
	"github.com/partnergraph/partnergraph/store/neo4jstore"
	"github.com/partnergraph/partnergraph/store/sqlitestore"
)

// flags is a command's flag set whose flags default to PARTNERGRAPH_<NAME> from the environment.
type flags struct {
	*flag.FlagSet
}

func newFlags(name string) flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return flags{fs}
}

// envName is the environment variable of a flag: --jwt-issuer is PARTNERGRAPH_JWT_ISSUER.
func envName(flagName string) string {
	return "PARTNERGRAPH_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (f flags) string(name, def, usage string) *string {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v
	}
	return f.String(name, def, usage+" ("+envName(name)+")")
}

func (f flags) bool(name string, def bool, usage string) *bool {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v == "1" || strings.EqualFold(v, "true")
	}
	return f.Bool(name, def, usage+" ("+envName(name)+")")
}

func (f flags) int(name string, def int, usage string) *int {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		}
	}
	return f.Int(name, def, usage+" ("+envName(name)+")")
}

func (f flags) float(name string, def float64, usage string) *float64 {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			def = x
		}
	}
	return f.Float64(name, def, usage+" ("+envName(name)+")")
}

func (f flags) duration(name string, def time.Duration, usage string) *time.Duration {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	return f.Duration(name, def, usage+" ("+envName(name)+")")
}

// storeFlags are the flags of every command that opens the database.
type storeFlags struct {
	kind, db                                    *string
	neo4jURI, neo4jUser, neo4jPass, neo4jDBName *string
}

func addStoreFlags(f flags) storeFlags {
	return storeFlags{
		kind:        f.string("store", "sqlite", "sqlite (embedded) or neo4j"),
		db:          f.string("db", "./data/partnergraph.db", "SQLite database file (also where the development token secret lives)"),
		neo4jURI:    envOnly("NEO4J_URI"),
		neo4jUser:   envOnly("NEO4J_USERNAME"),
		neo4jPass:   envOnly("NEO4J_PASSWORD"),
		neo4jDBName: envOnly("NEO4J_DATABASE"),
	}
}

// envOnly reads a setting that has no flag: the Neo4j connection, which holds a password.
func envOnly(name string) *string {
	v := os.Getenv(name)
	return &v
}

func (s storeFlags) open(ctx context.Context) (partnergraph.Store, error) {
	switch *s.kind {
	case "sqlite":
		return sqlitestore.Open(ctx, *s.db)
	case "neo4j":
		if *s.neo4jURI == "" {
			return nil, fmt.Errorf("--store neo4j needs NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE)")
		}
		return neo4jstore.Open(ctx, neo4jstore.Config{URI: *s.neo4jURI, Username: *s.neo4jUser, Password: *s.neo4jPass, Database: *s.neo4jDBName,
			ImportProgress: writeProgress("import")})
	}
	return nil, fmt.Errorf("--store must be sqlite or neo4j, not %q", *s.kind)
}

// dataDir is where the development secret lives: beside the database.
func (s storeFlags) dataDir() string { return filepath.Dir(*s.db) }

// authFlags configure token verification.
type authFlags struct {
	secret, publicKey, jwksFile, jwksURL, issuer, audience *string
	maxLifetime                                            *time.Duration
}

func addAuthFlags(f flags) authFlags {
	return authFlags{
		secret:    f.string("jwt-secret", "", "HS256 secret, at least 32 bytes; empty with no other key: a development secret in the data directory"),
		publicKey: f.string("jwt-public-key", "", "PEM file of the RS256, ES256 or EdDSA public key"),
		jwksFile:  f.string("jwks-file", "", "JSON Web Key Set file"),
		jwksURL:   f.string("jwks-url", "", "JSON Web Key Set URL of the identity provider"),
		issuer:    f.string("jwt-issuer", auth.DevIssuer, "required iss claim"),
		audience:  f.string("jwt-audience", auth.DevAudience, "required aud claim"),
		// Shared by serve and token, so that the token command mints only what the server accepts.
		maxLifetime: f.duration("jwt-max-lifetime", auth.DefaultMaxLifetime, "longest token lifetime accepted (exp - iat, or exp - now without iat); the token command mints no longer"),
	}
}

// verifier builds the token verifier. With no key configured it uses a random development
// secret in the data directory, beside the --db file: the server (serving true) creates it if
// needed and says so in the log; the token command only reads it, since a secret made by the
// token command would be one that no server uses. The server's verifier answers a token with a
// bad signature with how to mint one it accepts.
func (a authFlags) verifier(ctx context.Context, sf storeFlags, log *slog.Logger, serving bool) (*auth.Verifier, error) {
	if *a.maxLifetime <= 0 {
		return nil, fmt.Errorf("--jwt-max-lifetime must be positive")
	}
	cfg := auth.Config{Issuer: *a.issuer, Audience: *a.audience, MaxLifetime: *a.maxLifetime,
		JWKSFile: *a.jwksFile, JWKSURL: *a.jwksURL, Logger: log}
	if *a.secret != "" {
		cfg.HMACSecret = []byte(*a.secret)
		cfg.KeyHint = "this server checks HS256 tokens against its --jwt-secret (PARTNERGRAPH_JWT_SECRET); mint one with: partnergraph token --jwt-secret <the same secret> --sub USER --role member"
	}
	if *a.publicKey != "" {
		pem, err := os.ReadFile(*a.publicKey)
		if err != nil {
			return nil, fmt.Errorf("read --jwt-public-key: %w", err)
		}
		cfg.PublicKeyPEM = pem
	}
	if cfg.HMACSecret != nil || cfg.PublicKeyPEM != nil || cfg.JWKSFile != "" || cfg.JWKSURL != "" {
		return auth.NewVerifier(ctx, cfg)
	}
	dir := sf.dataDir()
	path, err := filepath.Abs(filepath.Join(dir, auth.DevSecretFile))
	if err != nil {
		return nil, err
	}
	if !serving {
		secret, err := auth.ReadDevSecret(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no development secret at %s: start the server first (it creates one there), "+
				"or pass the --db (PARTNERGRAPH_DB) that the server runs with, or the server's --jwt-secret", path)
		}
		if err != nil {
			return nil, err
		}
		log.Info("signing with the development secret", "file", path)
		cfg.HMACSecret = secret
		return auth.NewVerifier(ctx, cfg)
	}
	secret, created, err := auth.DevSecret(dir)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("no token key configured: created a development HS256 secret", "file", path)
	} else {
		log.Info("no token key configured: using the development HS256 secret", "file", path)
	}
	db, err := filepath.Abs(*sf.db)
	if err != nil {
		return nil, err
	}
	cfg.HMACSecret = secret
	cfg.KeyHint = fmt.Sprintf("this server checks tokens against the development secret in %s; mint one with: partnergraph token --db %s --sub USER --role member", path, db)
	return auth.NewVerifier(ctx, cfg)
}
