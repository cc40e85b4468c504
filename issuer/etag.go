package issuer

import (
	"bytes"
	"strings"
)

// quoteETag returns etag as an entity-tag (RFC 9110 §8.8.3): unchanged when
// already quoted (strong or W/ weak), else wrapped in quotes. "" stays "".
func quoteETag(etag string) string {
	if etag == "" || strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, `W/"`) {
		return etag
	}
	return `"` + strings.ReplaceAll(etag, `"`, "") + `"`
}

// etagMatches evaluates If-None-Match (RFC 9110 §13.1.2) against etag with
// the weak comparison it prescribes: "*" matches anything, otherwise any
// listed tag whose opaque part equals etag's.
func etagMatches(ifNoneMatch []byte, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for part := range bytes.SplitSeq(ifNoneMatch, []byte(",")) {
		part = bytes.TrimSpace(part)
		if string(part) == "*" {
			return true
		}
		part = bytes.TrimPrefix(part, []byte("W/"))
		if string(part) == want {
			return true
		}
	}
	return false
}
