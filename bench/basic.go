package bench

import (
	"encoding/base64"
	"net/url"
)

// BasicAuth returns the Authorization header value for client_secret_basic
// (RFC 6749 §2.3.1: client_id and secret form-urlencoded, then Basic).
func BasicAuth(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}
