// Package jwks parses JSON Web Key sets (RFC 7517) of public signature
// verification keys, strictly, and computes RFC 7638 thumbprints.
//
// It uses only the standard library and builds with TinyGo: the WebAssembly
// validator guests import it. Issuer-side code (key generation, signing,
// rotation) lives in [github.com/tollgate/tollgate/jwks/signing].
//
// # Supported keys
//
// A key is usable when it is one of
//
//   - kty "EC", crv "P-256" (ES256): x and y exactly 32 bytes each, the point
//     on the curve;
//   - kty "OKP", crv "Ed25519" (EdDSA, RFC 8037): x exactly 32 bytes;
//   - kty "RSA" (RS256, PS256): n of 2048 to 16384 bits, odd, minimally
//     encoded and free of the ROCA fingerprint (CVE-2017-15361); e odd,
//     minimally encoded, between 3 and 2^31-1;
//   - kty "oct" (HS256), only when [Options.AllowOct] is set: k at least
//     32 bytes and alg "HS256" present.
//
// # Strictness
//
// [Parse] rejects the whole set when any key is malformed: bad JSON (see
// package [github.com/tollgate/tollgate/jwks/strictjson]: duplicate members
// are errors), a member of the wrong type, base64url that is padded, uses the
// standard alphabet or has non-zero trailing bits, wrong sizes, a point off the
// curve, a weak RSA key, an alg that contradicts the key type, private key
// members (d, p, q, dp, dq, qi, oth) or an oct key the caller did not allow,
// two usable keys with the same kid, and a set mixing symmetric keys with
// public ones (a document holding secrets is not one to publish, and a public
// one must not hold secrets).
//
// Keys that are well formed but not meant for verifying signatures with an
// algorithm this package supports (use "enc", key_ops without "verify", other
// curves such as P-384, algorithms such as RS512) are skipped and counted in
// [Set.Ignored], so that an issuer may publish them beside its signing keys.
// Members this package does not know (x5c, x5t, ext, …) are ignored; in
// particular certificates are never used as a key source.
package jwks
