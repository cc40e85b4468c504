package xauth

import "testing"

func TestIsField(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"X-Auth-Subject", true}, {"x-auth-scope", true}, {"X_AUTH_ROLE", true}, {"x_Auth-x", true},
		{"X-Auth-", true}, {"X-Auth", false}, {"X-Authz-Subject", false}, {"Authorization", false},
		{"", false}, {"X-Forwarded-For", false},
	} {
		if got := IsField(tt.name); got != tt.want || IsField([]byte(tt.name)) != tt.want {
			t.Errorf("IsField(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
