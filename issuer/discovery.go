package issuer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/valyala/fasthttp"
)

// metadata is the authorization server's self-description: OpenID Connect
// Discovery 1.0 §3 and RFC 8414 §2 share it, so one document serves both
// paths.
type metadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint"`
	EndSessionEndpoint                         string   `json:"end_session_endpoint"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                      string   `json:"introspection_endpoint"`
	ScopesSupported                            []string `json:"scopes_supported"`
	ResponseTypesSupported                     []string `json:"response_types_supported"`
	ResponseModesSupported                     []string `json:"response_modes_supported"`
	GrantTypesSupported                        []string `json:"grant_types_supported"`
	SubjectTypesSupported                      []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported           []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported     []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethodsSupported  []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	PromptValuesSupported                      []string `json:"prompt_values_supported"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
	ClaimsSupported                            []string `json:"claims_supported"`
	ClaimsParameterSupported                   bool     `json:"claims_parameter_supported"`
	RequestParameterSupported                  bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported               bool     `json:"request_uri_parameter_supported"`
}

// staticDoc is a precomputed response body with its entity tag.
type staticDoc struct {
	body []byte
	etag string
}

func newStaticDoc(body []byte) staticDoc {
	sum := sha256.Sum256(body)
	return staticDoc{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
}

// buildMetadata renders the discovery document once, at New, after every
// flow has registered its grants. signerAlgs are the signer's algorithms;
// RS256 is always listed for ID tokens, as OpenID Connect Discovery
// requires.
//
// response_types_supported lists every type the authorization endpoint
// serves, though all but "code" are off until a client's ResponseTypes
// enables them. code_challenge_methods_supported lists only S256: plain
// is a per-client opt-in for legacy clients (Client.AllowPlainPKCE), not
// something to advertise. Public clients authenticate with "none" at the
// token and revocation endpoints (RFC 7009 §5); introspection needs a
// credential.
func (s *Server) buildMetadata(signerAlgs []string) (staticDoc, error) {
	iss := s.cfg.Issuer
	grants := make([]string, 0, len(s.grants)+1)
	for g := range s.grants {
		grants = append(grants, g)
	}
	if s.routes[s.path("authorize/")] != nil {
		grants = append(grants, "implicit") // response_type token / id_token, per client
	}
	slices.Sort(grants)
	idAlgs := []string{"RS256"}
	for _, a := range signerAlgs {
		if !contains(idAlgs, a) {
			idAlgs = append(idAlgs, a)
		}
	}
	scopes := []string{"openid", "profile", "email"}
	for _, sc := range s.cfg.ScopesSupported {
		if !contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	authMethods := []string{authClientSecretBasic, authClientSecretPost}
	withNone := []string{authClientSecretBasic, authClientSecretPost, authNone}
	m := metadata{
		Issuer:                                     iss,
		AuthorizationEndpoint:                      iss + "/authorize/",
		TokenEndpoint:                              iss + "/token/",
		JWKSURI:                                    iss + "/.well-known/jwks.json",
		UserinfoEndpoint:                           iss + "/userinfo/",
		EndSessionEndpoint:                         iss + "/logout/",
		RevocationEndpoint:                         iss + "/revoke_token/",
		IntrospectionEndpoint:                      iss + "/introspect/",
		ScopesSupported:                            scopes,
		ResponseTypesSupported:                     []string{respCode, respCodeIDToken, respIDToken, respToken},
		ResponseModesSupported:                     []string{modeQuery, modeFragment, modeFormPost},
		GrantTypesSupported:                        grants,
		SubjectTypesSupported:                      []string{"public"},
		IDTokenSigningAlgValuesSupported:           idAlgs,
		TokenEndpointAuthMethodsSupported:          withNone,
		RevocationEndpointAuthMethodsSupported:     withNone,
		IntrospectionEndpointAuthMethodsSupported:  authMethods,
		CodeChallengeMethodsSupported:              []string{pkceS256},
		PromptValuesSupported:                      []string{"none", "login", "consent", "select_account"},
		AuthorizationResponseIssParameterSupported: true,
		ClaimsSupported: []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti",
			"auth_time", "nonce", "at_hash", "c_hash", "client_id", "scope",
			"preferred_username", "name", "email"},
	}
	body, err := json.Marshal(&m)
	if err != nil {
		return staticDoc{}, err
	}
	return newStaticDoc(body), nil
}

// handleDiscovery serves the metadata document at both discovery paths.
func (s *Server) handleDiscovery(ctx *fasthttp.RequestCtx) {
	s.serveCacheable(ctx, s.metadata.body, s.metadata.etag)
}

// handleJWKS serves the signer's current JWK Set.
func (s *Server) handleJWKS(ctx *fasthttp.RequestCtx) {
	doc, etag := s.signer.JWKS()
	s.serveCacheable(ctx, doc, quoteETag(etag))
}

// serveCacheable answers a GET or HEAD of a public document: cacheable for
// JWKSMaxAge (and readable cross-origin: the route is corsPublic), and 304
// Not Modified when If-None-Match matches etag.
func (s *Server) serveCacheable(ctx *fasthttp.RequestCtx, body []byte, etag string) {
	h := &ctx.Response.Header
	h.Set(fasthttp.HeaderCacheControl, s.cacheControl)
	if etag != "" {
		h.Set(fasthttp.HeaderETag, etag)
		if inm := ctx.Request.Header.Peek(fasthttp.HeaderIfNoneMatch); len(inm) > 0 && etagMatches(inm, etag) {
			ctx.Response.SetStatusCode(fasthttp.StatusNotModified)
			return
		}
	}
	writeJSON(ctx, fasthttp.StatusOK, body)
}

func cacheControl(maxAge int64) string {
	return "public, max-age=" + strconv.FormatInt(maxAge, 10)
}
