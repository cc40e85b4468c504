package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
)

// clientSettingsSynopsis lists the settings flags of client add and update.
const clientSettingsSynopsis = `[--redirect-uri U]... [--scope "a b"] [--skip-authorization] [--audience A]... [--alg ES256] [--token-ttl 1h] ` +
	`[--owner USER] [--response-type T]... [--allow-plain-pkce] [--id-token-alg RS256] [--post-logout-redirect-uri U]... [--allowed-origin O]...`

// clientFlags defines the settings flags of client add and update, which
// write into tmpl, and returns by flag name how to copy that setting from
// tmpl to another client (update applies the flags given, and only those).
func clientFlags(c *command, tmpl *store.Client) map[string]func(dst *store.Client) {
	c.StringVar(&tmpl.Name, "name", "", "unique client `name` (required)")
	c.Var(listFlag{&tmpl.GrantTypes, ","}, "grant", "allowed grant `types`, comma-separated or repeated (required): "+strings.Join(store.GrantTypes(), ", "))
	c.Var(listFlag{&tmpl.RedirectURIs, ""}, "redirect-uri", "exact-match redirect `URI` (repeatable)")
	c.Var(listFlag{&tmpl.Scopes, " "}, "scope", "allowed `scopes`, space-separated (repeatable)")
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
	return map[string]func(*store.Client){
		"name":                     func(d *store.Client) { d.Name = tmpl.Name },
		"grant":                    func(d *store.Client) { d.GrantTypes = tmpl.GrantTypes },
		"redirect-uri":             func(d *store.Client) { d.RedirectURIs = tmpl.RedirectURIs },
		"scope":                    func(d *store.Client) { d.Scopes = tmpl.Scopes },
		"skip-authorization":       func(d *store.Client) { d.SkipAuthorization = tmpl.SkipAuthorization },
		"audience":                 func(d *store.Client) { d.Audience = tmpl.Audience },
		"alg":                      func(d *store.Client) { d.SigningAlg = tmpl.SigningAlg },
		"token-ttl":                func(d *store.Client) { d.AccessTokenTTL = tmpl.AccessTokenTTL },
		"owner":                    func(d *store.Client) { d.OwnerUserID = tmpl.OwnerUserID },
		"response-type":            func(d *store.Client) { d.ResponseTypes = tmpl.ResponseTypes },
		"allow-plain-pkce":         func(d *store.Client) { d.AllowPlainPKCE = tmpl.AllowPlainPKCE },
		"id-token-alg":             func(d *store.Client) { d.IDTokenSignedResponseAlg = tmpl.IDTokenSignedResponseAlg },
		"post-logout-redirect-uri": func(d *store.Client) { d.PostLogoutRedirectURIs = tmpl.PostLogoutRedirectURIs },
		"allowed-origin":           func(d *store.Client) { d.AllowedOrigins = tmpl.AllowedOrigins },
	}
}

// checkClientFlags normalizes the allowed origins and checks the token
// lifetime of tmpl.
func checkClientFlags(c *command, tmpl *store.Client) error {
	for i, o := range tmpl.AllowedOrigins {
		p, err := store.ParseOrigin(o)
		if err != nil {
			return c.usage("--allowed-origin: %v", err)
		}
		tmpl.AllowedOrigins[i] = p
	}
	if tmpl.AccessTokenTTL < 0 {
		return c.usage("--token-ttl must not be negative")
	}
	return nil
}

// clientAdd is `issuer client add`.
func clientAdd(e *env, args []string) error {
	c := newCommand(e, "client add", `--db PATH --name N --grant G[,G...] [--public] `+clientSettingsSynopsis+` [--json]`, true)
	var tmpl store.Client
	var public bool
	clientFlags(c, &tmpl)
	c.BoolVar(&public, "public", false, "public client: no secret (PKCE instead)")
	if _, err := c.parse(args, 0, ""); err != nil {
		return err
	}
	if err := checkClientFlags(c, &tmpl); err != nil {
		return err
	}
	switch {
	case tmpl.Name == "":
		return c.usage("--name is required")
	case len(tmpl.GrantTypes) == 0:
		return c.usage("--grant is required (one or more of %s)", strings.Join(store.GrantTypes(), ", "))
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
		return printCredentials(e, c.json, "client_id:     "+cl.ID, cl.ID, secret)
	})
}

// printCredentials prints a client's id and new secret ("" for none): as
// {"client_id", "client_secret"} with --json, else headline, then the
// secret with a warning that it is shown once.
func printCredentials(e *env, asJSON bool, headline, id, secret string) error {
	out := newPrinter(e.stdout)
	if asJSON {
		return out.json(struct {
			ID     string `json:"client_id"`
			Secret string `json:"client_secret,omitempty"`
		}{id, secret})
	}
	out.f("%s\n", headline)
	if secret != "" {
		out.f("client_secret: %s\n", secret)
		newPrinter(e.stderr).f("The secret is shown only this once: store it now.\n")
	}
	return out.done()
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

// clientUpdate is `issuer client update ID`: each settings flag given
// replaces that setting (a repeatable flag the whole list; `--scope ""`
// clears it), and --new-secret replaces a confidential client's secret.
func clientUpdate(e *env, args []string) error {
	c := newCommand(e, "client update", `ID|NAME --db PATH [--name N] [--grant G[,G...]] `+clientSettingsSynopsis+` [--new-secret] [--json]`, true)
	var tmpl store.Client
	var newSecret bool
	setters := clientFlags(c, &tmpl)
	c.BoolVar(&newSecret, "new-secret", false, "replace the client's secret with a new one, shown once; the old one stops working at once")
	pos, err := c.parse(args, 1, "client id or name")
	if err != nil {
		return err
	}
	if err := checkClientFlags(c, &tmpl); err != nil {
		return err
	}
	var given []string
	c.Visit(func(f *flag.Flag) {
		if setters[f.Name] != nil {
			given = append(given, f.Name)
		}
	})
	if len(given) == 0 && !newSecret {
		return c.usage("nothing to update: give a setting flag or --new-secret")
	}
	return c.withBackend(false, func(b admin.Backend) error {
		ctx := context.Background()
		cl, err := b.ShowClient(ctx, pos[0])
		if err != nil {
			return err
		}
		for _, name := range given {
			setters[name](cl)
		}
		cl, secret, err := b.UpdateClient(ctx, cl.ID, cl, newSecret)
		if errors.Is(err, store.ErrConflict) {
			return fmt.Errorf("%w; run the command again", err)
		}
		if err != nil {
			return err
		}
		return printCredentials(e, c.json, "updated client "+cl.ID, cl.ID, secret)
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
