package conformance

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
)

// SignatureVector is one Wycheproof signature test, at the level of
// validator.VerifySignature.
type SignatureVector struct {
	Name       string // file/tcId N: comment
	Alg        string // ES256, EdDSA, RS256 or PS256
	JWK        []byte // the public key, a JWK object
	Msg, Sig   []byte
	Valid      bool   // Tollgate's verdict
	Wycheproof string // Wycheproof's label: valid, invalid or acceptable
	Note       string // why Valid departs from the label, if it does
}

// JWSVector is one Wycheproof JWS or JWK test, at the level of
// validator.Validator.VerifyJWS.
type JWSVector struct {
	Name string
	// Policy is a policy document with the test's keys inline. A host that
	// refuses the policy (for instance because the key set is invalid) has
	// rejected the vector.
	Policy     []byte
	Token      string
	Valid      bool
	Wycheproof string
	Note       string
}

// signatureFiles maps the Wycheproof signature files to their algorithm.
var signatureFiles = []struct{ file, alg string }{
	{"ecdsa_secp256r1_sha256_p1363_test.json", "ES256"},
	{"ed25519_test.json", "EdDSA"},
	{"rsa_signature_2048_sha256_test.json", "RS256"},
	{"rsa_pss_2048_sha256_mgf1_32_test.json", "PS256"},
}

type wycheproofTest struct {
	TcID    int             `json:"tcId"`
	Comment string          `json:"comment"`
	Msg     string          `json:"msg"`
	Sig     string          `json:"sig"`
	JWS     json.RawMessage `json:"jws"`
	Result  string          `json:"result"`
	Flags   []string        `json:"flags"`
}

type wycheproofFile struct {
	TestGroups []struct {
		Comment      string          `json:"comment"`
		PublicKeyJwk json.RawMessage `json:"publicKeyJwk"`
		KeyJwk       json.RawMessage `json:"keyJwk"`
		PublicKey    struct {
			Wx string `json:"wx"`
			Wy string `json:"wy"`
		} `json:"publicKey"`
		Public  json.RawMessage  `json:"public"`
		Private json.RawMessage  `json:"private"`
		Tests   []wycheproofTest `json:"tests"`
	} `json:"testGroups"`
}

func readWycheproof(name string) (*wycheproofFile, error) {
	b, err := testdata.ReadFile("testdata/wycheproof/" + name)
	if err != nil {
		return nil, err
	}
	var f wycheproofFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// SignatureVectors returns every test of Wycheproof's ECDSA P-256 SHA-256
// (IEEE P1363 encoding), Ed25519, RSASSA-PKCS1-v1_5 2048 SHA-256 and
// RSASSA-PSS 2048 SHA-256 (MGF1 SHA-256, 32-byte salt) files.
func SignatureVectors() ([]SignatureVector, error) {
	var out []SignatureVector
	for _, sf := range signatureFiles {
		f, err := readWycheproof(sf.file)
		if err != nil {
			return nil, err
		}
		for _, g := range f.TestGroups {
			jwk := g.PublicKeyJwk
			if jwk == nil {
				jwk = g.KeyJwk
			}
			if jwk == nil { // ECDSA edge-case keys come as coordinates only
				jwk, err = ecJWK(g.PublicKey.Wx, g.PublicKey.Wy)
				if err != nil {
					return nil, err
				}
			}
			for _, tc := range g.Tests {
				msg, err1 := hex.DecodeString(tc.Msg)
				sig, err2 := hex.DecodeString(tc.Sig)
				if err1 != nil || err2 != nil {
					return nil, errorf(sf.file, tc.TcID, "bad hex")
				}
				v := SignatureVector{
					Name: strings.TrimSuffix(sf.file, "_test.json") + "/tcId " + strconv.Itoa(tc.TcID) + ": " + tc.Comment,
					Alg:  sf.alg, JWK: jwk, Msg: msg, Sig: sig,
					Valid: tc.Result == "valid", Wycheproof: tc.Result,
				}
				if tc.Result == "acceptable" {
					v.Note = "acceptable (" + strings.Join(tc.Flags, ", ") + "): rejected, as crypto/rsa does; strictness is the safe side"
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// ecJWK builds a P-256 JWK from hex coordinates.
func ecJWK(wx, wy string) ([]byte, error) {
	x, err1 := hex.DecodeString(wx)
	y, err2 := hex.DecodeString(wy)
	if err1 != nil || err2 != nil {
		return nil, errorf("ecdsa", 0, "bad key coordinates")
	}
	return []byte(`{"kty":"EC","crv":"P-256","x":"` + b64.EncodeToString(x) + `","y":"` + b64.EncodeToString(y) + `"}`), nil
}

// supportedAlgs are the algorithms Tollgate implements.
var supportedAlgs = map[string]bool{"ES256": true, "EdDSA": true, "RS256": true, "PS256": true, "HS256": true}

// jwsNotes are the vectors where Tollgate's verdict departs from the label
// for a reason other than an unsupported algorithm, by file and tcId.
var jwsNotes = map[string]map[int]struct {
	valid bool
	note  string
}{
	"json_web_signature_test.json": {
		367: {true, "labelled invalidBase64Padding, but this file's token has no padding: it is byte for byte tcId 357 (valid)"},
		370: {true, "labelled invalidBase64PaddingInPayload, but this file's token has no padding: it is byte for byte tcId 357 (valid)"},
		372: {false, "labelled valid, but '?' is not base64url: strict RFC 7515 §2 decoding rejects it (Wycheproof accepts lenient decoders here)"},
		373: {false, "labelled valid, but '?' is not base64url: strict RFC 7515 §2 decoding rejects it (Wycheproof accepts lenient decoders here)"},
	},
}

// JWSVectors returns every test of Wycheproof's json_web_signature and
// json_web_key files.
func JWSVectors() ([]JWSVector, error) {
	var out []JWSVector
	for _, file := range []string{"json_web_signature_test.json", "json_web_key_test.json"} {
		f, err := readWycheproof(file)
		if err != nil {
			return nil, err
		}
		for _, g := range f.TestGroups {
			keys := g.Public
			if keys == nil {
				keys = g.Private
			}
			if !strings.HasPrefix(strings.TrimSpace(string(keys)), `{"keys"`) && !strings.Contains(string(keys), `"keys"`) {
				keys = json.RawMessage(`{"keys":[` + string(keys) + `]}`)
			}
			policy := jwsPolicy(keys)
			for _, tc := range g.Tests {
				var token string
				if err := json.Unmarshal(tc.JWS, &token); err != nil {
					token = string(tc.JWS) // JSON serialization: an object
				}
				v := JWSVector{
					Name:   strings.TrimSuffix(file, "_test.json") + "/tcId " + strconv.Itoa(tc.TcID) + ": " + tc.Comment,
					Policy: policy, Token: token, Valid: tc.Result == "valid", Wycheproof: tc.Result,
				}
				if n, ok := jwsNotes[file][tc.TcID]; ok {
					v.Valid, v.Note = n.valid, n.note
				} else if alg := headerAlg(token); v.Valid && !supportedAlgs[alg] {
					v.Valid, v.Note = false, "valid "+alg+", an algorithm Tollgate does not implement"
				} else if v.Valid && keyAlgUnsupported(keys) {
					v.Valid, v.Note = false, "valid, but the key's algorithm is one Tollgate does not implement"
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// jwsPolicy returns a policy with keys inline and every algorithm the keys
// allow (HS256 only if the set has an oct key).
func jwsPolicy(keys json.RawMessage) []byte {
	algs := []string{"ES256", "EdDSA", "RS256", "PS256"}
	if strings.Contains(string(keys), `"oct"`) {
		algs = append(algs, "HS256")
	}
	b, _ := json.Marshal(map[string]any{
		"issuer": "wycheproof", "audiences": []string{"wycheproof"}, "algorithms": algs,
		"max_token_bytes": 65536, "jwks": keys,
	})
	return b
}

// headerAlg returns the alg of a compact JWS's header, or "".
func headerAlg(token string) string {
	h, _, _ := strings.Cut(token, ".")
	b, err := b64.DecodeString(h)
	if err != nil {
		return ""
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	_ = json.Unmarshal(b, &hdr)
	return hdr.Alg
}

// keyAlgUnsupported reports whether every key of the set names an algorithm
// Tollgate does not implement.
func keyAlgUnsupported(keys json.RawMessage) bool {
	var set struct {
		Keys []struct {
			Alg string `json:"alg"`
		} `json:"keys"`
	}
	if json.Unmarshal(keys, &set) != nil || len(set.Keys) == 0 {
		return false
	}
	for _, k := range set.Keys {
		if k.Alg == "" || supportedAlgs[k.Alg] {
			return false
		}
	}
	return true
}

type vectorError string

func (e vectorError) Error() string { return string(e) }

func errorf(file string, id int, msg string) error {
	return vectorError("conformance: " + file + " tcId " + strconv.Itoa(id) + ": " + msg)
}
