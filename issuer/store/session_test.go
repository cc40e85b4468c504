package store

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const testSessionID = "0123456789abcdef0123456789abcdef0123456789a"

func TestSessionLifecycle(t *testing.T) {
	d, _ := mustOpen(t, nil)
	s := &Session{UserID: "u1", AuthTime: fixedNow, Expires: fixedNow.Add(time.Hour)}
	if err := d.CreateSession(testSessionID, s); err != nil {
		t.Fatalf("CreateSession: %v", err)
	}
	if err := d.CreateSession(testSessionID, s); !errors.Is(err, ErrDuplicate) {
		t.Errorf("second CreateSession = %v, want ErrDuplicate", err)
	}
	got, err := d.Session(testSessionID)
	if err != nil || got.UserID != "u1" || !got.AuthTime.Equal(fixedNow) || !got.Expires.Equal(s.Expires) {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	later := fixedNow.Add(2 * time.Hour)
	if err := d.TouchSession(testSessionID, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Session(testSessionID); !got.Expires.Equal(later) || !got.AuthTime.Equal(fixedNow) {
		t.Errorf("after TouchSession: %+v", got)
	}
	if err := d.DeleteSession(testSessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Session(testSessionID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Session after delete = %v", err)
	}
	if err := d.DeleteSession(testSessionID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteSession = %v", err)
	}
	if err := d.TouchSession(testSessionID, later); !errors.Is(err, ErrNotFound) {
		t.Errorf("TouchSession(unknown) = %v", err)
	}
}

// TestSessionStoredHashed: the database holds SHA-256(id), never the id.
func TestSessionStoredHashed(t *testing.T) {
	d, _ := mustOpen(t, nil)
	if err := d.CreateSession(testSessionID, &Session{UserID: "u1", Expires: fixedNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(testSessionID))
	err := d.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			if string(k) != string(sum[:]) {
				t.Errorf("session key %x, want SHA-256 of the id", k)
			}
			if strings.Contains(string(k)+string(v), testSessionID) {
				t.Error("the session id is stored in the clear")
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSessionInvalid(t *testing.T) {
	d, _ := mustOpen(t, nil)
	tests := []struct {
		name string
		id   string
		s    Session
	}{
		{"short id", "short", Session{UserID: "u", Expires: fixedNow}},
		{"huge id", strings.Repeat("x", 300), Session{UserID: "u", Expires: fixedNow}},
		{"no user", testSessionID, Session{Expires: fixedNow}},
		{"no expiry", testSessionID, Session{UserID: "u"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := d.CreateSession(tt.id, &tt.s); !errors.Is(err, ErrInvalid) {
				t.Errorf("CreateSession = %v, want ErrInvalid", err)
			}
		})
	}
	if _, err := d.Session(strings.Repeat("x", 300)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Session(huge id) = %v", err)
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	d, _ := mustOpen(t, nil)
	ids := map[string]time.Duration{"a": -time.Minute, "b": 0, "c": time.Minute}
	for name, off := range ids {
		id := strings.Repeat(name, 43)
		if err := d.CreateSession(id, &Session{UserID: "u", Expires: fixedNow.Add(off)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := d.DeleteExpiredSessions(fixedNow)
	if err != nil || n != 2 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 2", n, err)
	}
	if _, err := d.Session(strings.Repeat("c", 43)); err != nil {
		t.Errorf("live session swept: %v", err)
	}
	for _, name := range []string{"a", "b"} {
		if _, err := d.Session(strings.Repeat(name, 43)); !errors.Is(err, ErrNotFound) {
			t.Errorf("expired session %s kept: %v", name, err)
		}
	}
}

// TestSessionSurvivesReopen: an acknowledged session is durable.
func TestSessionSurvivesReopen(t *testing.T) {
	d, path := mustOpen(t, nil)
	if err := d.CreateSession(testSessionID, &Session{UserID: "u1", Expires: fixedNow.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	mustClose(t, d)
	d = mustReopen(t, path, nil)
	if s, err := d.Session(testSessionID); err != nil || s.UserID != "u1" {
		t.Fatalf("after reopen: %+v, %v", s, err)
	}
}
