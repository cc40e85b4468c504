// Package conformance holds the test tables every Tollgate validator host
// runs: the native core, validator.wasm and validator-tinygo.wasm in wazero,
// the Envoy, http-wasm and Workers guests. A host's test turns each [Case]
// into a request through its own stack and compares the answer with [Check];
// adding a host means writing that one adapter. [Native] is the reference
// adapter, on the core directly.
//
// # Tables
//
//   - [Cases]: happy paths per algorithm and the hostile table (alg none in
//     any case, HS256 keyed with an RSA public key, psychic and DER ECDSA
//     signatures, crit, jku/jwk/x5u/x5c, unknown kid, kid/alg mismatch,
//     100 000 dots, 1 MiB, padding and non-URL base64url, duplicate claims,
//     wrong claim types, time claims, audiences, an OpenID Connect ID token
//     replayed as an access token, revoked jti, scopes and routes).
//   - [SignatureVectors]: every Wycheproof vector for ECDSA P-256 (P1363),
//     Ed25519, RSASSA-PKCS1-v1_5 2048 and RSASSA-PSS 2048 (SHA-256, MGF1,
//     32-byte salt), for [validator.VerifySignature] or an equivalent guest
//     export.
//   - [JWSVectors]: Wycheproof's JWS and JWK vectors, for
//     [validator.Validator.VerifyJWS] or an equivalent guest export.
//
// Each vector carries Tollgate's verdict, and a Note where it departs from
// Wycheproof's label.
//
// Keys are fixed (testdata/keys, embedded), so a table's verdicts never
// change; ECDSA and PSS signatures are randomized, so token bytes differ
// between calls to Cases.
//
// # Runner
//
// [RunHTTP] runs the host table through an HTTP host: a host's test supplies
// a [Setup] that builds the host for one case, and the runner sends the
// case's [Request] (with forged X-Auth-* headers) and checks the [Response]
// with [CheckResponse]. The runner imports testing: the package is for tests
// only, and no binary imports it.
package conformance
