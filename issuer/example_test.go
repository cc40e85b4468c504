package issuer_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"github.com/tollgate/tollgate/issuer"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
	"github.com/valyala/fasthttp/fasthttputil"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Example runs the issuer with a signing ring and a store holding one
// client, gets a token
// with golang.org/x/oauth2's client_credentials flow, and verifies it with
// jwx against the JWKS the server publishes.
func Example() {
	ring := signing.NewRing(nil, signing.Options{})
	key, _ := ring.Rotate(signing.ES256) // the first key signs at once
	ring.Add(key)

	dir, err := os.MkdirTemp("", "tollgate-example-")
	if err != nil {
		panic(err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	st, err := store.Open(filepath.Join(dir, "issuer.db"), nil)
	if err != nil {
		panic(err)
	}
	defer func() { _ = st.Close() }()
	secret, hash := store.NewSecret()
	if err := st.CreateClient(&store.Client{ID: "svc", Name: "svc", Type: store.Confidential, SecretHash: hash,
		GrantTypes: []string{store.GrantClientCredentials}, Scopes: []string{"read", "write"}}); err != nil {
		panic(err)
	}

	srv, err := issuer.New(issuer.Config{Audience: []string{"api"}}, st, ring)
	if err != nil {
		panic(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) { return ln.Dial() },
	}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)

	cfg := clientcredentials.Config{ClientID: "svc", ClientSecret: secret,
		TokenURL: srv.Issuer() + "/token/", Scopes: []string{"read"}}
	tok, err := cfg.Token(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.TokenType, tok.Extra("scope"))

	resp, err := hc.Get(srv.Issuer() + "/.well-known/jwks.json")
	if err != nil {
		panic(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	set, err := jwk.Parse(doc)
	if err != nil {
		panic(err)
	}
	at, err := jwt.Parse([]byte(tok.AccessToken), jwt.WithKeySet(set),
		jwt.WithIssuer(srv.Issuer()), jwt.WithAudience("api"))
	if err != nil {
		panic(err)
	}
	sub, _ := at.Subject()
	fmt.Println("verified, sub:", sub)
	// Output:
	// Bearer read
	// verified, sub: svc
}
