package admin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
	"github.com/tollgate/tollgate/jwks/signing"
)

// TestRotateSchedule: the first key activates now, the next one a
// PublishAhead later; the store records the states in one write.
func TestRotateSchedule(t *testing.T) {
	local, st, _ := mustLocal(t)
	ctx := context.Background()
	first, err := local.RotateKeys(ctx, "ES256")
	if err != nil {
		t.Fatal(err)
	}
	if first.State != store.KeyActive || !first.Activated.Equal(fixedNow) {
		t.Fatalf("first key %+v: want active at %v", first, fixedNow)
	}
	next, err := local.RotateKeys(ctx, "ES256")
	if err != nil {
		t.Fatal(err)
	}
	at := fixedNow.Add(10 * time.Minute)
	if next.State != store.KeyNext || !next.Activated.Equal(at) {
		t.Fatalf("second key %+v: want next, activating at %v", next, at)
	}
	recs, err := st.Keys()
	if err != nil || len(recs) != 2 {
		t.Fatalf("stored keys %v, %v", recs, err)
	}
	byKid := map[string]*store.Key{}
	for _, r := range recs {
		byKid[r.Kid] = r
	}
	old := byKid[first.Kid]
	if old.State != store.KeyActive || !old.Retired.Equal(at) || !old.Expires.Equal(at.Add(time.Hour)) {
		t.Errorf("old key record %+v: want active, retiring at %v, expiring an hour later", old, at)
	}
	if r := byKid[next.Kid]; r.State != store.KeyNext || len(r.Private) == 0 {
		t.Errorf("new key record %+v", r)
	}
	// An hour and a half later the first key has expired and the second signs.
	later := &Local{Store: st, Signing: local.Signing}
	later.Signing.Now = func() time.Time { return fixedNow.Add(90 * time.Minute) }
	keys, err := later.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].State != signing.StateExpired || keys[1].State != signing.StateActive {
		t.Errorf("states later: %+v", keys)
	}
}

// TestOnKeyAdded: the hook receives the committed key, which a ring can add
// and publish at once.
func TestOnKeyAdded(t *testing.T) {
	local, st, _ := mustLocal(t)
	ring := signing.NewRing(nil, local.Signing)
	var added []*signing.Key
	local.OnKeyAdded = func(k *signing.Key) {
		if recs, _ := st.Keys(); len(recs) != len(added)+1 {
			t.Errorf("hook called before the key was committed")
		}
		added = append(added, k)
		ring.Add(k)
	}
	info, err := local.RotateKeys(context.Background(), "EdDSA")
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 1 || added[0].Kid != info.Kid {
		t.Fatalf("hook got %v, want the key %s", added, info.Kid)
	}
	if doc, _ := ring.JWKS(); !strings.Contains(string(doc), info.Kid) {
		t.Errorf("JWKS %s lacks %s", doc, info.Kid)
	}
	if _, _, err := ring.Sign("EdDSA", "at+jwt", []byte(`{}`)); err != nil {
		t.Errorf("ring cannot sign with the new key: %v", err)
	}
}

func TestKeysWithoutKEK(t *testing.T) {
	st, err := store.Open(t.TempDir()+"/issuer.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	local := &Local{Store: st}
	if _, err := local.RotateKeys(context.Background(), ""); !errors.Is(err, store.ErrNoKEK) {
		t.Errorf("RotateKeys = %v, want ErrNoKEK", err)
	}
	if _, err := local.ListKeys(context.Background()); !errors.Is(err, store.ErrNoKEK) {
		t.Errorf("ListKeys = %v, want ErrNoKEK", err)
	}
}

func TestOnClientChanged(t *testing.T) {
	local, _, _ := mustLocal(t)
	var got []string
	local.OnClientChanged = func(id string) { got = append(got, id) }
	ctx := context.Background()
	c, _, err := local.AddClient(ctx, &store.Client{Name: "a", GrantTypes: []string{"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := local.AddClient(ctx, &store.Client{Name: "a", GrantTypes: []string{"client_credentials"}}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate add: %v", err) // and no hook call
	}
	if err := local.DeleteClient(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != c.ID || got[1] != c.ID {
		t.Errorf("OnClientChanged calls %v, want [%s %s]", got, c.ID, c.ID)
	}
}

// TestEnsureKeysAndLoadRing: a fresh store gets one signing key per
// algorithm, once; LoadRing publishes and signs with them.
func TestEnsureKeysAndLoadRing(t *testing.T) {
	local, st, _ := mustLocal(t)
	ctx := context.Background()
	created, err := local.EnsureKeys(ctx, "ES256", "EdDSA")
	if err != nil || len(created) != 2 || created[0].State != signing.StateActive || created[1].Alg != "EdDSA" {
		t.Fatalf("EnsureKeys = %+v, %v", created, err)
	}
	again, err := local.EnsureKeys(ctx, "ES256", "EdDSA")
	if err != nil || len(again) != 0 {
		t.Fatalf("second EnsureKeys created %+v, %v", again, err)
	}
	ring, err := LoadRing(st, local.Signing)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range created {
		if _, kid, err := ring.Sign(k.Alg, "at+jwt", []byte(`{}`)); err != nil || kid != k.Kid {
			t.Errorf("ring signs %s with %q (%v), want %s", k.Alg, kid, err, k.Kid)
		}
	}
	if _, err := local.EnsureKeys(ctx, "HS256"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("EnsureKeys(HS256) = %v, want ErrInvalid", err)
	}
}

// TestMaintainKeys: with a rotation period, each algorithm's key is
// rotated once it has been active that long (not again while the next key
// is pending); expired keys leave the store and the server's ring; period
// zero only deletes.
func TestMaintainKeys(t *testing.T) {
	local, st, _ := mustLocal(t)
	now := fixedNow
	local.Signing.Now = func() time.Time { return now }
	ctx := context.Background()
	first, err := local.EnsureKeys(ctx, "ES256", "RS256")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := LoadRing(st, local.Signing)
	if err != nil {
		t.Fatal(err)
	}
	var removed []string
	local.OnKeyAdded = ring.Add
	local.OnKeyRemoved = func(kid string) { removed = append(removed, kid); ring.Remove(kid) }
	const every = 24 * time.Hour
	maintain := func(at time.Duration, period time.Duration, wantCreated, wantDeleted int) []KeyInfo {
		t.Helper()
		now = fixedNow.Add(at)
		created, deleted, err := local.MaintainKeys(ctx, period)
		if err != nil || len(created) != wantCreated || len(deleted) != wantDeleted {
			t.Fatalf("at +%v: MaintainKeys = %+v, %v, %v; want %d created, %d deleted", at, created, deleted, err, wantCreated, wantDeleted)
		}
		return created
	}
	maintain(0, every, 0, 0)
	maintain(every-time.Second, every, 0, 0)
	maintain(every, 0, 0, 0) // period zero: manual rotation only
	second := maintain(every, every, 2, 0)
	for _, k := range second {
		if k.State != signing.StateNext || !k.Activated.Equal(now.Add(10*time.Minute)) {
			t.Errorf("rotated key %+v: want next, activating after PublishAhead", k)
		}
		if doc, _ := ring.JWKS(); !strings.Contains(string(doc), k.Kid) {
			t.Errorf("ring does not publish %s", k.Kid)
		}
	}
	maintain(every+time.Minute, every, 0, 0)                   // the next keys are pending
	maintain(every+10*time.Minute+59*time.Minute, every, 0, 0) // the old keys are still published
	maintain(every+10*time.Minute+time.Hour, every, 0, 2)
	if want := []string{first[0].Kid, first[1].Kid}; !slices.Equal(slices.Sorted(slices.Values(removed)), slices.Sorted(slices.Values(want))) {
		t.Errorf("OnKeyRemoved got %v, want the first keys %v", removed, want)
	}
	recs, err := st.Keys()
	if err != nil || len(recs) != 2 {
		t.Fatalf("store holds %d keys (%v), want the 2 rotated ones", len(recs), err)
	}
	if got := ring.States(now); len(got) != 2 || got[0].State != signing.StateActive || got[1].State != signing.StateActive {
		t.Errorf("ring states %+v, want the two rotated keys active", got)
	}
	maintain(10*every, 0, 0, 0)
	maintain(10*every, every, 2, 0)
}
