package store

import (
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		id := NewID()
		if len(id) != 32 || !isURLSafe(id, 32) || strings.HasPrefix(id, "-") {
			t.Fatalf("id %q: want 32 URL-safe characters not starting with '-'", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}
