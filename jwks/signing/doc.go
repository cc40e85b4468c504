// Package signing holds the issuer's signing keys: it generates them,
// names them, schedules their rotation, signs tokens with them and
// publishes their public halves as a JWK Set.
//
// It runs only inside the issuer. Validators never import it: they read
// the JWKS document it produces through package jwks.
//
// # Keys
//
// [Generate] creates a key for one of [ES256] (the default), [EdDSA]
// (Ed25519), [RS256] or [PS256] (RSA, 2048 bits). Its kid is the RFC 7638
// JWK thumbprint of the public key (SHA-256, base64url), so a kid names
// the same key in every process and never needs to be stored apart from
// it. [Key.MarshalPrivate] gives PKCS #8 DER for the store, which
// encrypts it; [LoadKey] reverses it and recomputes the kid.
//
// # Rotation
//
// A key's state — next, active, retired — follows from two timestamps,
// so no process writes state and all of them agree (see [Ring]). [Ring.Rotate]
// creates a key that activates [Options.PublishAhead] later: at least one
// JWKS cache lifetime, so validators know the key before any token names
// it. The key it replaces stays published for [Options.MaxTokenTTL] after
// it stopped signing, so every token it signed still verifies until it
// expires. The first key of an algorithm activates at once.
//
// # Signing and publishing
//
// [Ring.Sign] is the token endpoint's hot path: it reads an immutable
// snapshot without locking, reuses a precomputed protected header and
// signs with the standard library, allocating little more than the token.
// [Ring.JWKS] returns a cached document and strong ETag that change only
// when the published set does. The document holds public key members,
// kid, alg and "use":"sig" — never private members.
//
// # Typical use
//
//	ring := signing.NewRing(loadedKeys, signing.Options{MaxTokenTTL: time.Hour})
//	k, err := ring.Rotate(signing.ES256) // then persist k.MarshalPrivate()
//	ring.Add(k)
//	token, kid, err := ring.Sign(signing.ES256, "at+jwt", claimsJSON)
package signing
