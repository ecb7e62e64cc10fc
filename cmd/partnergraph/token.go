package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/partnergraph/partnergraph"
	"github.com/partnergraph/partnergraph/auth"
)

func tokenCmd(ctx context.Context, args []string) error {
	f := newFlags("token")
	sub := f.String("sub", "", "the token's subject (user id)")
	role := f.String("role", "member", "admin, member or intake")
	business := f.String("business", "", "comma-separated business ids an intake token submits leads for")
	ttl := f.Duration("ttl", 0, "lifetime, e.g. 15m (default 1h)")
	sf := addStoreFlags(f)
	af := addAuthFlags(f)
	if err := f.Parse(args); err != nil {
		return err
	}
	if *sub == "" {
		return fmt.Errorf("--sub is required")
	}
	r := auth.Role(*role)
	if !r.Valid() {
		return fmt.Errorf("--role must be admin, member or intake")
	}
	if *ttl == 0 {
		*ttl = 3600e9
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	v, err := af.verifier(ctx, sf, log, false)
	if err != nil {
		return err
	}
	token, err := v.Mint(auth.Identity{Sub: *sub, Roles: []auth.Role{r}, Businesses: splitList(*business)}, *ttl)
	var pe *partnergraph.Error
	if errors.As(err, &pe) && pe.Field == "ttl" {
		return fmt.Errorf("--ttl %v is longer than a token may live (%v): the server would refuse it; the limit is --jwt-max-lifetime (%s), on the server and here",
			*ttl, *af.maxLifetime, envName("jwt-max-lifetime"))
	}
	if err != nil {
		return err
	}
	fmt.Println(strings.TrimSpace(token))
	return nil
}
