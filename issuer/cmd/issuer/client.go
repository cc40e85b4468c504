package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
)

// clientAdd is `issuer client add`.
func clientAdd(e *env, args []string) error {
	c := newCommand(e, "client add", `--db PATH --name N --grant G[,G...] [--redirect-uri U]... [--scope "a b"] [--public] [--skip-authorization] [--audience A]... [--alg ES256] [--token-ttl 1h] `+
		`[--owner USER] [--response-type T]... [--allow-plain-pkce] [--id-token-alg RS256] [--post-logout-redirect-uri U]... [--allowed-origin O]... [--json]`, true)
	var tmpl store.Client
	var public bool
	c.StringVar(&tmpl.Name, "name", "", "unique client `name` (required)")
	c.Var(listFlag{&tmpl.GrantTypes, ","}, "grant", "allowed grant `types`, comma-separated or repeated (required): "+strings.Join(store.GrantTypes(), ", "))
	c.Var(listFlag{&tmpl.RedirectURIs, ""}, "redirect-uri", "exact-match redirect `URI` (repeatable)")
	c.Var(listFlag{&tmpl.Scopes, " "}, "scope", "allowed `scopes`, space-separated (repeatable)")
	c.BoolVar(&public, "public", false, "public client: no secret (PKCE instead)")
	c.BoolVar(&tmpl.SkipAuthorization, "skip-authorization", false, "never show the consent page for this client")
	c.Var(listFlag{&tmpl.Audience, ""}, "audience", "aud `value` of this client's access tokens (repeatable; default: the issuer's)")
	c.StringVar(&tmpl.SigningAlg, "alg", "", "signing `algorithm` of this client's access tokens: "+strings.Join(store.SigningAlgs(), ", ")+" (default: the issuer's)")
	c.DurationVar(&tmpl.AccessTokenTTL, "token-ttl", 0, "access-token `lifetime` (default: the issuer's)")
	c.StringVar(&tmpl.OwnerUserID, "owner", "", "owning `user` (id or username; optional)")
	c.Var(listFlag{&tmpl.ResponseTypes, ""}, "response-type", "authorization response `type` beyond code (repeatable): id_token, \"code id_token\", token (implicit; RFC 9700 advises against it)")
	c.BoolVar(&tmpl.AllowPlainPKCE, "allow-plain-pkce", false, "accept code_challenge_method=plain from this client (S256 is always accepted)")
	c.StringVar(&tmpl.IDTokenSignedResponseAlg, "id-token-alg", "", "`algorithm` of this client's ID tokens: "+strings.Join(store.SigningAlgs(), ", ")+" (default RS256)")
	c.Var(listFlag{&tmpl.PostLogoutRedirectURIs, ""}, "post-logout-redirect-uri", "exact `URI` RP-initiated logout may return to (repeatable)")
	c.Var(listFlag{&tmpl.AllowedOrigins, ""}, "allowed-origin", "browser `origin` (https://app.example) that may read this client's token responses through CORS (repeatable)")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	for i, o := range tmpl.AllowedOrigins {
		p, err := store.ParseOrigin(o)
		if err != nil {
			return c.usage("--allowed-origin: %v", err)
		}
		tmpl.AllowedOrigins[i] = p
	}
	switch {
	case tmpl.Name == "":
		return c.usage("--name is required")
	case len(tmpl.GrantTypes) == 0:
		return c.usage("--grant is required (one or more of %s)", strings.Join(store.GrantTypes(), ", "))
	case tmpl.AccessTokenTTL < 0:
		return c.usage("--token-ttl must not be negative")
	}
	tmpl.Type = store.Confidential
	if public {
		tmpl.Type = store.Public
	}
	return c.withBackend(true, func(b admin.Backend) error {
		cl, secret, err := b.AddClient(context.Background(), &tmpl)
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(struct {
				ID     string `json:"client_id"`
				Secret string `json:"client_secret,omitempty"`
			}{cl.ID, secret})
		}
		out.f("client_id:     %s\n", cl.ID)
		if secret != "" {
			out.f("client_secret: %s\n", secret)
			newPrinter(e.stderr).f("The secret is shown only this once: store it now.\n")
		}
		return out.done()
	})
}

// clientList is `issuer client list`.
func clientList(e *env, args []string) error {
	c := newCommand(e, "client list", "--db PATH [--json]", true)
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		cs, err := b.ListClients(context.Background())
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(orEmpty(cs))
		}
		out.table(2)
		out.f("CLIENT_ID\tNAME\tTYPE\tGRANTS\tSCOPES\n")
		for _, cl := range cs {
			out.f("%s\t%s\t%s\t%s\t%s\n", cl.ID, cl.Name, cl.Type,
				strings.Join(cl.GrantTypes, ","), dash(strings.Join(cl.Scopes, " ")))
		}
		return out.done()
	})
}

// clientShow is `issuer client show ID`.
func clientShow(e *env, args []string) error {
	c := newCommand(e, "client show", "ID|NAME --db PATH [--json]", true)
	pos, err := c.parse(args, 1, "client id or name")
	if err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		cl, err := b.ShowClient(context.Background(), pos[0])
		if err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		if c.json {
			return out.json(cl)
		}
		out.table(1)
		for _, f := range [][2]string{
			{"client_id", cl.ID},
			{"name", cl.Name},
			{"type", cl.Type},
			{"owner", dash(cl.OwnerUserID)},
			{"grant_types", strings.Join(cl.GrantTypes, " ")},
			{"redirect_uris", dash(strings.Join(cl.RedirectURIs, " "))},
			{"scopes", dash(strings.Join(cl.Scopes, " "))},
			{"skip_authorization", fmt.Sprint(cl.SkipAuthorization)},
			{"audience", dash(strings.Join(cl.Audience, " "))},
			{"signing_alg", dash(cl.SigningAlg)},
			{"token_ttl", dash(ttl(cl.AccessTokenTTL))},
			{"response_types", dash(strings.Join(cl.ResponseTypes, ", "))},
			{"allow_plain_pkce", fmt.Sprint(cl.AllowPlainPKCE)},
			{"id_token_alg", dash(cl.IDTokenSignedResponseAlg)},
			{"post_logout_redirect_uris", dash(strings.Join(cl.PostLogoutRedirectURIs, " "))},
			{"allowed_origins", dash(strings.Join(cl.AllowedOrigins, " "))},
			{"created", cl.Created.Format(time.RFC3339)},
			{"updated", cl.Updated.Format(time.RFC3339)},
		} {
			out.f("%s:\t%s\n", f[0], f[1])
		}
		return out.done()
	})
}

// clientDelete is `issuer client delete ID`.
func clientDelete(e *env, args []string) error {
	c := newCommand(e, "client delete", "ID|NAME --db PATH", false)
	pos, err := c.parse(args, 1, "client id or name")
	if err != nil {
		return err
	}
	return c.withBackend(false, func(b admin.Backend) error {
		if err := b.DeleteClient(context.Background(), pos[0]); err != nil {
			return err
		}
		out := newPrinter(e.stdout)
		out.f("deleted client %s; its refresh tokens and consents are revoked\n", pos[0])
		return out.done()
	})
}

func ttl(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
