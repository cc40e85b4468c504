package main

import (
	"context"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
)

// grantsList is `issuer grants list`.
func grantsList(e *env, args []string) error {
	c := newCommand(e, "grants list", "--db PATH [--user U] [--client C] [--json]", true)
	var user, client string
	c.StringVar(&user, "user", "", "only this `user` (username or id)")
	c.StringVar(&client, "client", "", "only this `client` (name or id)")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		gs, err := b.ListGrants(context.Background(), user, client)
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(orEmpty(gs))
		}
		out.table(2)
		out.f("USER\tCLIENT\tCONSENTED SCOPES\tREFRESH FAMILIES\tLAST USED\n")
		for _, g := range gs {
			consent := "-"
			if g.Consent != nil {
				consent = strings.Join(g.Consent.Scopes, " ")
			}
			out.f("%s\t%s\t%s\t%d\t%s\n", g.UserID, g.ClientID, dash(consent), len(g.Families), stamp(lastUsed(g)))
		}
		return out.done()
	})
}

// grantsRevoke is `issuer grants revoke`.
func grantsRevoke(e *env, args []string) error {
	c := newCommand(e, "grants revoke", "--db PATH --user U [--client C] [--json]", true)
	var user, client string
	c.StringVar(&user, "user", "", "the `user` (username or id) whose grants to revoke (required)")
	c.StringVar(&client, "client", "", "only the grants to this `client` (name or id)")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	if user == "" {
		return c.usage("--user is required")
	}
	return c.withBackend(false, func(b admin.Backend) error {
		n, err := b.RevokeGrants(context.Background(), user, client)
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(n)
		}
		out.f("revoked %d refresh token families (their access tokens are in the revocation set) and %d consents\n", n.Families, n.Consents)
		return out.done()
	})
}

// lastUsed is the latest use of any of g's families.
func lastUsed(g *store.Grant) time.Time {
	var t time.Time
	for _, f := range g.Families {
		if f.LastUsed.After(t) {
			t = f.LastUsed
		}
	}
	return t
}
