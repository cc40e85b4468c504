package store

import (
	"regexp"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h1, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h1) {
		t.Fatalf("hash %q is not the expected PHC string", h1)
	}
	h2, _ := HashPassword("correct horse")
	if h1 == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	if !VerifyPassword(h1, "correct horse") || !VerifyPassword(h2, "correct horse") {
		t.Error("right password rejected")
	}
	if VerifyPassword(h1, "correct horsE") || VerifyPassword(h1, "") {
		t.Error("wrong password accepted")
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	good, _ := HashPassword("pw")
	tests := []struct{ name, hash string }{
		{"empty", ""},
		{"argon2i", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"},
		{"old version", "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"},
		{"huge memory", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"},
		{"zero time", "$argon2id$v=19$m=19456,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"},
		{"trailing junk in params", "$argon2id$v=19$m=19456,t=2,p=1x$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"},
		{"bad base64", "$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaA"},
		{"truncated", good[:len(good)-10] + "$"},
		{"sha256 secret hash", "sha256:abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if VerifyPassword(tt.hash, "pw") {
				t.Fatal("malformed hash matched")
			}
		})
	}
}

func TestSecret(t *testing.T) {
	s, h := NewSecret()
	if len(s) != 43 {
		t.Errorf("secret %q: want 43 base64url characters (256 bits)", s)
	}
	if !VerifySecret(h, s) || VerifySecret(h, s+"x") || VerifySecret(nil, s) {
		t.Error("VerifySecret")
	}
}
