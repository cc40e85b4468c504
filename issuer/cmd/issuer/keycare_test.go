package main

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/admin"
	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// TestKeyCare: serve's key maintenance runs at once on start, rotates a key
// that has signed for --key-rotate-every, deletes an expired one, and logs
// both; stop returns after the run.
func TestKeyCare(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "issuer.db"), &store.Options{KEK: bytes.Repeat([]byte{7}, store.KEKSize)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	start := time.Now()
	now := start
	local := &admin.Local{Store: st, Signing: signing.Options{PublishAhead: time.Minute, MaxTokenTTL: time.Hour, Now: func() time.Time { return now }}}
	ctx := context.Background()
	if _, err := local.RotateKeys(ctx, "ES256"); err != nil { // active at start
		t.Fatal(err)
	}
	if _, err := local.RotateKeys(ctx, "ES256"); err != nil { // active a minute later
		t.Fatal(err)
	}
	now = start.Add(3 * time.Hour) // the first key expired; the second has signed for about 3h
	var logs bytes.Buffer
	keyCare(local, 2*time.Hour, slog.New(slog.NewTextHandler(&logs, nil)))()
	for _, want := range []string{"deleted expired signing key", "rotated signing key"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	keys, err := local.ListKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].State != signing.StateActive || keys[1].State != signing.StateNext {
		t.Errorf("keys after maintenance: %+v, %v; want the active one and its rotated successor", keys, err)
	}
}
