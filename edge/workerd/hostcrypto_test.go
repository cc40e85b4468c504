package workerd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tollgate/tollgate/edge/worker"
	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// hostVector is verify_signature's input (wasm/ABI.md, "Host import").
type hostVector struct {
	Alg            int
	A, B, Msg, Sig []byte // JSON: standard base64
	name           string
	valid          bool
}

func (v hostVector) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"alg": v.Alg, "a": v.A, "b": v.B, "msg": v.Msg, "sig": v.Sig})
}

// TestHostCryptoWycheproof runs every Wycheproof signature vector through
// hostcrypto.mjs on workerd (node:crypto, BoringSSL) and compares with
// Tollgate's verdict, so the native path agrees with the guest's own Go
// verification; PS256 must be left to the guest (-1). Vectors whose key the guest refuses never reach the host and
// are left out; the guest's other checks before the call (signature length,
// ECDSA r and s ranges) are not repeated here, so the host must also refuse
// those signatures on its own.
func TestHostCryptoWycheproof(t *testing.T) {
	requireWorkerd(t)
	all, err := conformance.SignatureVectors()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{"RS256": 1, "PS256": 2, "ES256": 3, "EdDSA": 4}
	var vectors []hostVector
	for _, v := range all {
		k, err := jwks.ParseKey(v.JWK, nil)
		if err != nil || !k.Supports(v.Alg) {
			continue
		}
		hv := hostVector{Alg: codes[v.Alg], Msg: v.Msg, Sig: v.Sig, name: v.Name, valid: v.Valid}
		switch v.Alg {
		case "RS256", "PS256":
			hv.A, hv.B = k.N, k.E
		case "ES256":
			hv.A, hv.B = k.X, k.Y
		case "EdDSA":
			hv.A, hv.B = k.X, []byte{}
		}
		vectors = append(vectors, hv)
	}
	if len(vectors) < 500 {
		t.Fatalf("only %d vectors with usable keys", len(vectors))
	}

	addr := startVectorWorker(t)
	body, err := json.Marshal(vectors)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+addr+"/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var got []int
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || len(got) != len(vectors) {
		t.Fatalf("%d results for %d vectors: %v", len(got), len(vectors), err)
	}
	decided := 0
	for i, v := range vectors {
		want := 0
		if v.valid {
			want = 1
		}
		switch {
		case v.Alg == codes["PS256"]:
			// workerd's node:crypto ignores PSS padding: always the guest's.
			if got[i] != -1 {
				t.Errorf("%s: host says %d, want -1 (PS256 stays in the guest)", v.name, got[i])
			}
		case got[i] != want:
			t.Errorf("%s: host says %d, Tollgate's verdict is %t", v.name, got[i], v.valid)
		default:
			decided++
		}
	}
	t.Logf("%d vectors, %d decided natively", len(vectors), decided)
}

// startVectorWorker runs testdata/vectors.mjs with hostcrypto.mjs on workerd
// and returns its address.
func startVectorWorker(t *testing.T) string {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("testdata", "vectors.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"vectors.mjs": src}
	for _, m := range worker.Modules() {
		files[m.Name] = m.Source
	}
	files["config.capnp"] = []byte(fmt.Sprintf(`using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "vectors", worker = (
    modules = [(name = "vectors.mjs", esModule = embed "vectors.mjs"), (name = "hostcrypto.mjs", esModule = embed "hostcrypto.mjs")],
    compatibilityDate = %q))],
  sockets = [(name = "http", http = (), service = "vectors")],
);
`, CompatibilityDate))
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }() // workerd has its own copy
	sock, err := socketFile(l)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sock.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	cmd := exec.CommandContext(ctx, testWorkerd, "serve", "config.capnp", "--socket-fd", "http=3")
	cmd.Dir, cmd.ExtraFiles, cmd.Stdout, cmd.Stderr = dir, []*os.File{sock}, &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("workerd output:\n%s", out.String())
		}
	})
	return l.Addr().String()
}
