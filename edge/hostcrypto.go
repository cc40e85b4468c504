package edge

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"math/big"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/tollgate/tollgate/jwks"
	"github.com/tollgate/tollgate/wasm/validator"
)

// hostCrypto implements the guest's one import, tollgate.verify_signature
// (wasm/ABI.md, "Host import"): the signature check of an uncached token runs
// natively — the same validator.VerifySignature the guest would run, at
// native speed — while parsing, key selection and every other rule stay in
// the guest.
type hostCrypto struct {
	disabled bool // Options.GuestCrypto: answer -1, the guest verifies

	mu   sync.RWMutex
	keys map[string]*jwks.Key // by algorithm code and raw key material
}

// maxHostKeys bounds the parsed-key cache; keys come from trusted key sets,
// so it only fills up across many rotations, and is then cleared.
const maxHostKeys = 256

// Algorithm codes of verify_signature.
var hostAlgs = [...]string{1: jwks.RS256, 2: jwks.PS256, 3: jwks.ES256, 4: jwks.EdDSA}

// instantiate adds the "tollgate" host module to r.
func (hc *hostCrypto) instantiate(ctx context.Context, r wazero.Runtime) error {
	i32 := api.ValueTypeI32
	_, err := r.NewHostModuleBuilder("tollgate").
		NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(hc.verify), []api.ValueType{i32, i32, i32, i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}).
		Export("verify_signature").
		Instantiate(ctx)
	return err
}

// verify is verify_signature(alg, a_ptr, a_len, b_ptr, b_len, msg_ptr,
// msg_len, sig_ptr, sig_len) -> 1 valid, 0 invalid, -1 not available.
func (hc *hostCrypto) verify(_ context.Context, mod api.Module, stack []uint64) {
	result := int32(-1)
	defer func() { stack[0] = api.EncodeI32(result) }()
	code := uint32(stack[0])
	if hc.disabled || code >= uint32(len(hostAlgs)) || hostAlgs[code] == "" {
		return
	}
	mem := mod.Memory()
	var parts [4][]byte
	for i := range parts {
		b, ok := mem.Read(uint32(stack[1+2*i]), uint32(stack[2+2*i]))
		if !ok {
			return
		}
		parts[i] = b
	}
	alg := hostAlgs[code]
	key := hc.key(code, alg, parts[0], parts[1])
	if key == nil {
		return // material the host cannot parse: let the guest decide
	}
	result = 0
	if validator.VerifySignature(alg, key, parts[2], parts[3]) {
		result = 1
	}
}

// key returns the parsed key for the raw material, from the cache or new.
func (hc *hostCrypto) key(code uint32, alg string, a, b []byte) *jwks.Key {
	var buf [8 + 512 + 8]byte
	id := append(append(append(buf[:0], byte(code), byte(len(a)>>8), byte(len(a))), a...), b...)
	hc.mu.RLock()
	k := hc.keys[string(id)]
	hc.mu.RUnlock()
	if k != nil {
		return k
	}
	k = parseRawKey(alg, a, b)
	if k == nil {
		return nil
	}
	hc.mu.Lock()
	if hc.keys == nil || len(hc.keys) >= maxHostKeys {
		hc.keys = map[string]*jwks.Key{}
	}
	hc.keys[string(id)] = k
	hc.mu.Unlock()
	return k
}

// parseRawKey builds a key from the guest's raw material, or nil.
func parseRawKey(alg string, a, b []byte) *jwks.Key {
	a, b = append([]byte(nil), a...), append([]byte(nil), b...)
	switch alg {
	case jwks.ES256:
		if len(a) != 32 || len(b) != 32 {
			return nil
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, a...), b...))
		if err != nil {
			return nil
		}
		return &jwks.Key{Kty: "EC", Crv: "P-256", X: a, Y: b, Public: pub}
	case jwks.EdDSA:
		if len(a) != ed25519.PublicKeySize || len(b) != 0 {
			return nil
		}
		return &jwks.Key{Kty: "OKP", Crv: "Ed25519", X: a, Public: ed25519.PublicKey(a)}
	default: // RS256, PS256
		if len(a) == 0 || len(b) == 0 || len(b) > 4 {
			return nil
		}
		e := 0
		for _, c := range b {
			e = e<<8 | int(c)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(a), E: e}
		return &jwks.Key{Kty: "RSA", N: a, E: b, Public: pub}
	}
}
