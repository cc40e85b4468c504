package envoyconfig

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/tollgate/tollgate/wasm/validator"
)

// cluster is one Envoy cluster: a single endpoint, plain or TLS.
type cluster struct {
	Name string
	Host string
	Port int
	// Static: Host is an IP address (cluster type STATIC, no SNI);
	// otherwise a DNS name (STRICT_DNS).
	Static bool
	TLS    bool
	// TrustedCA is the CA bundle for TLS clusters.
	TrustedCA string
}

// SANType is the subject alternative name type the certificate must carry
// for Host.
func (c *cluster) SANType() string {
	if c.Static {
		return "IP_ADDRESS"
	}
	return "DNS"
}

// origin parses an http(s) URL into a cluster endpoint.
func origin(name, field, rawURL, trustedCA string) (cluster, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return cluster{}, fmt.Errorf("%w: %s: %v", ErrURL, field, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return cluster{}, fmt.Errorf("%w: %s %q: want http(s)://host[:port]/… without user info", ErrURL, field, rawURL)
	}
	c := cluster{Name: name, Host: u.Hostname(), TLS: u.Scheme == "https", TrustedCA: trustedCA}
	c.Port = 80
	if c.TLS {
		c.Port = 443
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cluster{}, fmt.Errorf("%w: %s %q: bad port", ErrURL, field, rawURL)
		}
		c.Port = n
	}
	c.Static = net.ParseIP(c.Host) != nil
	return c, nil
}

// upstreamCluster returns the cluster for Options.Upstream.
func upstreamCluster(rawURL, trustedCA string) (cluster, error) {
	c, err := origin(UpstreamCluster, "upstream", rawURL, trustedCA)
	if err != nil {
		return c, err
	}
	if u, _ := url.Parse(rawURL); (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("%w: upstream %q: no path, query or fragment (Envoy forwards the request's)", ErrURL, rawURL)
	}
	return c, nil
}

// issuerClusters returns the clusters the filter fetches jwks_url and
// revocations_url through, named as the filter names them: jwks_cluster or
// DefaultCluster, and revocations_cluster or the JWKS cluster. With both
// names defaulted and the URLs on different origins, the revocation feed
// cannot share the default: that is an error, as is any name that would
// serve two origins.
func issuerClusters(p *validator.Policy, trustedCA string) ([]cluster, error) {
	jwksName, revName := p.JWKSCluster, p.RevocationsCluster
	if jwksName == "" {
		jwksName = DefaultCluster
	}
	if revName == "" {
		revName = jwksName
	}
	var out []cluster
	for _, d := range []struct{ field, url, name string }{
		{"jwks_url", p.JWKSURL, jwksName},
		{"revocations_url", p.RevocationsURL, revName},
	} {
		if d.url == "" {
			continue
		}
		if d.name == UpstreamCluster {
			return nil, fmt.Errorf("%w: %s: cluster %q is the upstream's", ErrClusterConflict, d.field, d.name)
		}
		c, err := origin(d.name, d.field, d.url, trustedCA)
		if err != nil {
			return nil, err
		}
		dup := false
		for _, prev := range out {
			if prev.Name != c.Name {
				continue
			}
			if prev.Host != c.Host || prev.Port != c.Port || prev.TLS != c.TLS {
				return nil, fmt.Errorf("%w: cluster %q would serve %s:%d and %s:%d; set revocations_cluster",
					ErrClusterConflict, c.Name, prev.Host, prev.Port, c.Host, c.Port)
			}
			dup = true
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out, nil
}
