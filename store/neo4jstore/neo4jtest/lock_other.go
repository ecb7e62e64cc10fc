//go:build !unix

package neo4jtest

import "os"

// flock does nothing where there is no flock: run the Neo4j tests of one package at a time
// there (go test -p 1).
func flock(*os.File) error { return nil }
