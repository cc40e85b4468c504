package conformance

import (
	"strings"
	"testing"
)

// nativeHTTP is a Setup on the core: the smallest honest HTTP host.
func nativeHTTP(stripForged bool) Setup {
	return func(t testing.TB, c *Case) Host {
		return func(req Request) Response {
			r, err := Native(&Case{
				Policy: c.Policy, Keys: c.Keys, Revocations: c.Revocations, Now: c.Now,
				Method: req.Method, Path: req.Path, Authorization: req.Authorization,
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != 200 {
				return Response{Status: r.Status, WWWAuthenticate: r.WWWAuthenticate}
			}
			up := map[string]string{}
			for k, v := range req.Header {
				if !stripForged || !strings.HasPrefix(k, "X-Auth-") {
					up[k] = v
				}
			}
			up["X-Auth-Subject"], up["X-Auth-Client-Id"], up["X-Auth-Scope"] = r.Subject, r.ClientID, r.Scope
			return Response{Status: 200, Headers: up}
		}
	}
}

func TestRunHTTPNative(t *testing.T) {
	RunHTTP(t, nativeHTTP(true))
}

func TestCheckResponse(t *testing.T) {
	cases := Cases()
	var allow *Case
	for i := range cases {
		if cases[i].Want.Status == 200 {
			allow = &cases[i]
			break
		}
	}
	if allow == nil {
		t.Fatal("no allowed case in the table")
	}
	host := nativeHTTP(false)(t, allow)
	err := CheckResponse(allow, host(RequestOf(allow)))
	if err == nil || !strings.Contains(err.Error(), "X-Auth-Role") {
		t.Errorf("CheckResponse missed a forged header: %v", err)
	}

	for _, tc := range []struct {
		name string
		r    Response
		want string
	}{
		{"upstream called on a denial", Response{Status: 401, WWWAuthenticate: `Bearer realm="r"`, Headers: map[string]string{}}, "upstream was called"},
		{"claims missing", Response{Status: 200, Headers: map[string]string{}}, "subject"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckResponse(allow, tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckResponse = %v, want an error about %q", err, tc.want)
			}
		})
	}
}
