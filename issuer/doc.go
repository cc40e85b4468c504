// Package issuer is Tollgate's OAuth 2.0 authorization server: a fasthttp
// server with the token endpoint, client authentication, rate limiting,
// discovery metadata and the JWKS document.
//
// # Endpoints
//
// Paths follow Django OAuth Toolkit's layout below the issuer identifier's
// path (default "/o"):
//
//	POST /o/token/                                  RFC 6749 §3.2: client_credentials (§4.4),
//	                                                authorization_code with PKCE (§4.1, RFC 7636),
//	                                                refresh_token with rotation (§6), password (§4.3)
//	POST /o/revoke_token/                           RFC 7009 token revocation
//	POST /o/introspect/                             RFC 7662 token introspection
//	GET  /o/revoked                                 revoked access tokens, [{"jti","exp"}], ETag
//	GET  /o/.well-known/openid-configuration        OpenID Connect Discovery 1.0
//	GET  /.well-known/oauth-authorization-server/o  RFC 8414 metadata (same document)
//	GET  /o/.well-known/jwks.json                   RFC 7517 key set, ETag and If-None-Match
//
// Every other path answers 404, a known path with the wrong method 405 with
// Allow; both with a JSON error body. A panic in a handler is recovered,
// logged and answered 500 {"error":"server_error"}.
//
// # Access tokens
//
// Access tokens are RFC 9068 JWTs (typ "at+jwt", kid in the header; claims
// iss, sub, aud, exp, iat, nbf, jti, client_id, scope) signed by a [Signer].
// A client_credentials token reads no store and writes nothing: clients
// come from the [Store] behind a short-lived in-memory cache (see
// [Server.InvalidateClient]). A user's token (sub is the user id) records
// its jti, so that revoking its grant can revoke it.
//
// # User flows and durability
//
// Codes and refresh tokens are opaque 256-bit values kept as SHA-256 hashes.
// A code is redeemed once (a replay revokes everything it issued); a refresh
// token is rotated on every use within a family whose reuse revokes it
// (RFC 9700 §4.14.2); see [FlowConfig] for lifetimes. Every acknowledged
// change — a redemption with its new family, a rotation, a revocation — is
// one committed store transaction before the response is written.
//
// # Errors
//
// Token endpoint failures are [Error] values, written as RFC 6749 §5.2 JSON
// with Cache-Control: no-store. Bad input never panics and never yields 500.
//
// # Rate limiting
//
// Token buckets per source address (IPv6 grouped by /64) and per
// authenticated client answer 429 with Retry-After. Their memory is bounded:
// idle buckets are dropped first. See [RateLimit].
package issuer
