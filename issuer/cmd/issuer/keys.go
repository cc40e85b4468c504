package main

import (
	"context"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
)

// keysList is `issuer keys list`.
func keysList(e *env, args []string) error {
	c := newCommand(e, "keys list", "--db PATH [--json]", true)
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		ks, err := b.ListKeys(context.Background())
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(orEmpty(ks))
		}
		out.table(2)
		out.f("KID\tALG\tSTATE\tACTIVATED\tRETIRED\tEXPIRES\n")
		for _, k := range ks {
			out.f("%s\t%s\t%s\t%s\t%s\t%s\n", k.Kid, k.Alg, k.State,
				stamp(k.Activated), stamp(k.Retired), stamp(k.Expires))
		}
		return out.done()
	})
}

// keysRotate is `issuer keys rotate`.
func keysRotate(e *env, args []string) error {
	c := newCommand(e, "keys rotate", "--db PATH [--alg ES256] [--json]", true)
	var alg string
	c.StringVar(&alg, "alg", "ES256", "`algorithm` of the new key: ES256, EdDSA, RS256, PS256")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	return c.withBackend(true, func(b admin.Backend) error {
		k, err := b.RotateKeys(context.Background(), alg)
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(k)
		}
		out.f("new %s key %s: %s, signs from %s\n", k.Alg, k.Kid, k.State, stamp(k.Activated))
		return out.done()
	})
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}
