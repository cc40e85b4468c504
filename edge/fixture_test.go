package edge

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// docServer serves one JSON document with an ETag, honours If-None-Match,
// and counts requests. Tests swap the document, the Cache-Control value, or
// take the server down.
type docServer struct {
	*httptest.Server
	mu           sync.Mutex
	doc          []byte
	cacheControl string
	down         bool
	requests     atomic.Int64 // all requests
	full         atomic.Int64 // 200 answers
}

func newDocServer(t testing.TB, doc []byte, cacheControl string) *docServer {
	s := &docServer{doc: doc, cacheControl: cacheControl}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *docServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	doc, cc, down := s.doc, s.cacheControl, s.down
	s.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full.Add(1)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}

func (s *docServer) set(doc []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc = doc
}

func (s *docServer) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}
