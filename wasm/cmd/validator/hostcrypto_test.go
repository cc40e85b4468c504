package main

import (
	"context"
	"encoding/base64"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// The tests' tollgate.verify_signature: unavailable (-1) unless
// nativeCrypto is set, then a native check through validator.VerifySignature.
var (
	nativeCrypto atomic.Bool
	hostCalls    atomic.Int64
)

func instantiateHostCrypto(ctx context.Context, r wazero.Runtime) error {
	i32 := api.ValueTypeI32
	params := []api.ValueType{i32, i32, i32, i32, i32, i32, i32, i32, i32}
	_, err := r.NewHostModuleBuilder("tollgate").NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(testVerify), params, []api.ValueType{i32}).
		Export("verify_signature").Instantiate(ctx)
	return err
}

func testVerify(_ context.Context, mod api.Module, stack []uint64) {
	hostCalls.Add(1)
	if !nativeCrypto.Load() {
		stack[0] = api.EncodeI32(-1)
		return
	}
	read := func(i int) []byte {
		b, ok := mod.Memory().Read(uint32(stack[i]), uint32(stack[i+1]))
		if !ok {
			panic("verify_signature: argument out of range")
		}
		return b
	}
	a, b, msg, sig := read(1), read(3), read(5), read(7)
	enc := base64.RawURLEncoding.EncodeToString
	alg, jwk := "", ""
	switch stack[0] {
	case 1, 2:
		alg = map[uint64]string{1: "RS256", 2: "PS256"}[stack[0]]
		jwk = `{"kty":"RSA","n":"` + enc(a) + `","e":"` + enc(b) + `"}`
	case 3:
		alg, jwk = "ES256", `{"kty":"EC","crv":"P-256","x":"`+enc(a)+`","y":"`+enc(b)+`"}`
	case 4:
		alg, jwk = "EdDSA", `{"kty":"OKP","crv":"Ed25519","x":"`+enc(a)+`"}`
	default:
		panic("verify_signature: algorithm code " + strconv.FormatUint(stack[0], 10))
	}
	key, err := jwks.ParseKey([]byte(jwk), nil)
	if err != nil {
		panic(err)
	}
	v := int32(0)
	if validator.VerifySignature(alg, key, msg, sig) {
		v = 1
	}
	stack[0] = api.EncodeI32(v)
}

// TestHostCrypto checks the import's contract: the guest calls it once per
// uncached verification with the key's raw material, obeys its verdict, and
// verifies by itself when the host answers -1.
func TestHostCrypto(t *testing.T) {
	forEachModule(t, func(t *testing.T, m *module) {
		defer nativeCrypto.Store(false)
		g := newGuest(t, m)
		k := newES256(t, "k1")
		g.configure(testPolicy(k.jwks()))
		now := time.Now().Unix()
		for _, native := range []bool{false, true} {
			nativeCrypto.Store(native)
			before := hostCalls.Load()
			tok := k.token(t, testClaims(now, "j-"+strconv.FormatBool(native), "read"))
			if v := g.validate("tg_validate", tok, "GET", "/", now); v != 0 {
				t.Fatalf("native=%v: verdict %d", native, v)
			}
			if v := g.validate("tg_validate", tok, "GET", "/", now); v != 0 {
				t.Fatalf("native=%v: cached verdict %d", native, v)
			}
			bad := tok[:len(tok)-4] + "AAAA"
			if v := g.validate("tg_validate", bad, "GET", "/", now); v != 2 {
				t.Fatalf("native=%v: bad signature verdict %d", native, v)
			}
			if n := hostCalls.Load() - before; n != 2 {
				t.Errorf("native=%v: %d host calls, want 2 (one per uncached verification)", native, n)
			}
		}
	})
}
