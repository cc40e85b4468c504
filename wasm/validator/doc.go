// Package validator is Tollgate's access-token validation core: the one
// implementation of the rules that runs natively in Go hosts and, compiled to
// WebAssembly (standard Go or TinyGo), in every edge guest. It uses only the
// standard library's cryptography, no reflection, no fmt and no goroutines.
//
// A host parses the policy document once ([ParsePolicy], [New]), feeds keys
// and revocations as they change ([Validator.SetKeys],
// [Validator.SetRevocations]), and calls [Validator.Validate] per request with
// the token ([BearerToken] extracts it from the Authorization header), its own
// clock's time, the method and the path — or [Validator.Authorize] with the
// whole Authorization value, which does both. A denial is an [Error] whose
// [Code] maps to RFC 6750's status and error code; [AppendChallenge] writes
// the WWW-Authenticate value.
//
// [Validator.Authorize] and [Validator.ValidateInto] store the claims in a
// caller's [Claims] instead of returning one: compiled to WebAssembly by the
// standard Go toolchain, returning or zeroing a struct that size costs calls
// into the engine's memmove, more than the rest of a cache hit. The
// WebAssembly guests use them; native hosts may use either form.
//
// # Rules
//
// In order, a token is rejected (invalid_token unless noted) when
//
//   - it is longer than max_token_bytes (checked before anything is decoded);
//   - the path is not canonical and the policy has routes (invalid_request:
//     "//", "." or ".." segments, "\" or an encoded ".", "/" or "\" could
//     make a route miss a request the upstream then resolves into it);
//   - it is not exactly three segments of unpadded, canonical base64url (the
//     URL alphabet only, no line breaks, zero trailing bits);
//   - the header is not a JSON object (duplicate members included), has no
//     alg, or an alg outside the policy's list ("none" can never be on it;
//     names are case-sensitive, RFC 7515 §4.1.1);
//   - the header has crit (we implement no extension), jku, jwk, x5u or x5c
//     (keys come only from the configured sets), b64, zip or enc;
//   - typ is not "at+jwt" or "application/at+jwt", compared ASCII
//     case-insensitively because typ is a media type (RFC 7515 §4.1.9,
//     RFC 9068 §4): an OpenID Connect ID token (typ "JWT") is not an access
//     token;
//   - kid is missing or names no key (the Error has UnknownKey set), or the
//     key cannot serve alg: type and curve must fit (EC P-256 for ES256, OKP
//     Ed25519 for EdDSA, RSA for RS256/PS256, oct for HS256, which also needs
//     HS256 in the policy and an oct key in its inline jwks) and a key's own
//     alg must equal it;
//   - the signature has the wrong length (ES256: exactly 64 bytes r‖s, with
//     r and s in [1, n-1]; no DER) or does not verify;
//   - the payload is not a JSON object, has duplicate members or a claim of
//     the wrong type (iss, sub, client_id, scope, jti strings; aud a string
//     or array of strings; exp, nbf, iat numbers, fractions truncated);
//     forwarded claims (sub, client_id, scope) must hold no control
//     characters;
//   - iss differs from the policy's issuer, aud names none of its audiences,
//     exp is missing or now ≥ exp + leeway, nbf > now + leeway,
//     iat > now + leeway, or the token carries cnf (a sender-constrained
//     token presented as a bearer token);
//   - its jti is in the revocation set;
//   - (insufficient_scope) its scope claim lacks a scope the policy or the
//     first route matching the request requires.
//
// # Cache
//
// A token that passes everything but the scope check is cached, keyed by its
// bytes (a fast hash, then a full comparison), until the earliest of exp plus
// leeway, the removal or change of its key by SetKeys, and the revocation of
// its jti by SetRevocations; the cache is bounded by entries and bytes and
// evicts with the CLOCK algorithm. A cache hit does no signature or JSON
// work and allocates nothing; scopes are still checked per request.
//
// # Concurrency
//
// A Validator is not safe for concurrent use: a WebAssembly instance is
// single-threaded anyway, and native hosts keep one per goroutine or a pool.
package validator
