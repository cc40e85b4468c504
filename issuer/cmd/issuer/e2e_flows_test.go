package main

// Crash safety of the token flows: the real binary is killed with SIGKILL
// during a burst of password logins and refresh-token rotations; after a
// restart every acknowledged write is there and no family is half-rotated.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tollgate/tollgate/issuer/store"
)

// flowClient posts forms to a running issuer as one confidential client.
type flowClient struct {
	base    string
	id, sec string
	hc      *http.Client
}

func (c *flowClient) post(path string, form url.Values) (int, map[string]any, error) {
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.sec))
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err // cut off: not acknowledged
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("body %q: %w", body, err)
	}
	return resp.StatusCode, m, nil
}

// refreshChain is one worker's family: every acknowledged rotation in order.
type refreshChain struct {
	tokens   []string // refresh tokens, tokens[0] from the login, each next one acknowledged
	access   []string // the access token acknowledged with each
	inFlight bool     // a refresh was sent and never answered
}

// TestCrashDuringRefreshBurst kills the issuer mid-burst. Afterwards, read
// straight from the store: every acknowledged refresh token exists with the
// generation its position says, so no acknowledged rotation was lost, and
// each family's generation is its last acknowledged token's, or one more
// only where a refresh was in flight at the kill (committed, never
// answered). After a restart each family's last acknowledged token, unless
// overtaken that way, still refreshes, and its last access token is active.
func TestCrashDuringRefreshBurst(t *testing.T) {
	// One issuer identifier across the restart (the port changes), so the
	// tokens issued before it stay the server's own.
	const iss = "http://issuer.test/o"
	s := startServer(t, "", "--insecure-no-rate-limit", "--issuer", iss)
	const families = 8
	var creds credentials
	out := cli(t, "", "client", "add", "--db", s.db, "--name", "burst", "--grant", "password,refresh_token", "--scope", "read", "--json")
	if err := json.Unmarshal([]byte(out), &creds); err != nil {
		t.Fatal(err)
	}
	for i := range families + 2 {
		cli(t, "pw\n", "user", "add", "--db", s.db, "--username", fmt.Sprintf("u%d", i), "--password-stdin")
	}
	client := &flowClient{base: s.issuer(), id: creds.ID, sec: creds.Secret, hc: &http.Client{Timeout: 10 * time.Second}}
	login := func(user string) (int, map[string]any, error) {
		return client.post("/token/", url.Values{"grant_type": {"password"}, "username": {user}, "password": {"pw"}, "scope": {"read"}})
	}

	chains := make([]*refreshChain, families)
	for i := range chains {
		status, m, err := login(fmt.Sprintf("u%d", i))
		if err != nil || status != 200 {
			t.Fatalf("login u%d: %d %v %v", i, status, m, err)
		}
		chains[i] = &refreshChain{tokens: []string{m["refresh_token"].(string)}, access: []string{m["access_token"].(string)}}
	}

	var (
		mu        sync.Mutex
		logins    []string // refresh tokens of acknowledged burst logins
		loginFail []string // logins possibly committed, never answered
		wg        sync.WaitGroup
		refreshes int
	)
	stop := make(chan struct{})
	for _, ch := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				cur := ch.tokens[len(ch.tokens)-1]
				ch.inFlight = true
				status, m, err := client.post("/token/", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cur}})
				if err != nil {
					return // the server died: this refresh is unacknowledged
				}
				if status != 200 {
					t.Errorf("refresh answered %d %v", status, m)
					return
				}
				ch.inFlight = false
				ch.tokens = append(ch.tokens, m["refresh_token"].(string))
				ch.access = append(ch.access, m["access_token"].(string))
				mu.Lock()
				refreshes++
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() { // logins of two more users, within their throttle
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			status, m, err := login(fmt.Sprintf("u%d", families+i%2))
			if err != nil {
				mu.Lock()
				loginFail = append(loginFail, "?")
				mu.Unlock()
				return
			}
			if status == 200 {
				mu.Lock()
				logins = append(logins, m["refresh_token"].(string))
				mu.Unlock()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := refreshes
		mu.Unlock()
		if n >= 150 || time.Now().After(deadline) {
			break
		}
	}
	s.kill()
	close(stop)
	wg.Wait()
	if refreshes == 0 {
		t.Fatalf("no refresh acknowledged before the kill\n%s", s.stderr)
	}
	t.Logf("killed after %d acknowledged refreshes and %d burst logins", refreshes, len(logins))

	// Offline: the store itself.
	st, err := store.Open(s.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	overtaken := make([]bool, families)
	for i, ch := range chains {
		var famID string
		for g, tok := range ch.tokens {
			f, gen, err := st.RefreshTokenFamily(tok)
			if err != nil {
				t.Fatalf("chain %d: acknowledged token %d lost: %v", i, g, err)
			}
			if gen != uint64(g+1) || (famID != "" && f.ID != famID) {
				t.Errorf("chain %d: token %d has generation %d in family %s, want %d in %s", i, g, gen, f.ID, g+1, famID)
			}
			famID = f.ID
		}
		f, gen, _ := st.RefreshTokenFamily(ch.tokens[len(ch.tokens)-1])
		switch {
		case f.Revoked:
			t.Errorf("chain %d: family revoked", i)
		case f.Generation == gen:
		case f.Generation == gen+1 && ch.inFlight:
			overtaken[i] = true // committed, never answered
		default:
			t.Errorf("chain %d: family generation %d, last acknowledged token %d (in flight: %v): half-rotated or lost",
				i, f.Generation, gen, ch.inFlight)
		}
	}
	for _, tok := range logins {
		if f, gen, err := st.RefreshTokenFamily(tok); err != nil || gen != 1 || f.Generation != 1 {
			t.Errorf("acknowledged login's family: %+v gen %d, %v", f, gen, err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range overtaken {
		if o {
			n++
		}
	}
	t.Logf("%d of %d families had a rotation committed but never answered", n, families)

	// Restarted: introspection first (it changes nothing), then refresh.
	s2 := startServer(t, s.db, "--issuer", iss)
	client.base = s2.issuer()
	for i, ch := range chains {
		status, m, err := client.post("/introspect/", url.Values{"token": {ch.access[len(ch.access)-1]}})
		if err != nil || status != 200 || m["active"] != true {
			t.Errorf("chain %d: last acknowledged access token after restart: %d %v %v", i, status, m, err)
		}
		if overtaken[i] {
			continue
		}
		status, m, err = client.post("/token/", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {ch.tokens[len(ch.tokens)-1]}})
		if err != nil || status != 200 {
			t.Errorf("chain %d: last acknowledged refresh token after restart: %d %v %v", i, status, m, err)
		}
	}
	if len(loginFail) > 1 {
		t.Errorf("login worker recorded %d unanswered logins", len(loginFail))
	}
}
