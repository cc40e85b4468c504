package jwks

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"math/big"
	"os"
	"testing"
)

func TestROCA(t *testing.T) {
	// The modulus of Wycheproof's jws_rsa_roca_key group (tcId 7).
	var file struct {
		TestGroups []struct {
			Public struct {
				Keys []struct{ N string } `json:"keys"`
			} `json:"public"`
			Tests []struct{ TcID int } `json:"tests"`
		} `json:"testGroups"`
	}
	data, err := os.ReadFile("testdata/wycheproof/json_web_key_test.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	var n []byte
	for _, g := range file.TestGroups {
		if g.Tests[0].TcID == 7 {
			n, err = AppendDecode(nil, []byte(g.Public.Keys[0].N))
		}
	}
	if err != nil || len(n) == 0 {
		t.Fatalf("ROCA modulus: %v", err)
	}
	if !roca(n) {
		t.Fatal("ROCA modulus not detected")
	}
	// Moduli from a sound generator must pass.
	for i := 0; i < 3; i++ {
		k, err := rsa.GenerateKey(rand.Reader, 1024) // size does not matter here
		if err != nil {
			t.Fatal(err)
		}
		if roca(k.N.Bytes()) {
			t.Fatalf("random modulus %x flagged as ROCA", k.N)
		}
	}
	if roca(testRSA().N.Bytes()) {
		t.Fatal("test modulus flagged as ROCA")
	}
	// A fingerprinted number: 65537^k mod M for the primorial-like M of the
	// primes (any power of the generator lies in every subgroup).
	m := big.NewInt(1)
	for _, p := range rocaPrimes {
		m.Mul(m, big.NewInt(int64(p)))
	}
	v := new(big.Int).Exp(big.NewInt(65537), big.NewInt(123456789), m)
	if !roca(v.Bytes()) {
		t.Fatal("power of 65537 not flagged")
	}
}
