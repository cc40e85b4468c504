//go:build !wasm

package envoytest

import (
	"net"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tollgate/tollgate/edge/envoyconfig"
	"github.com/tollgate/tollgate/wasm/validator/conformance"
)

// renderedConfig is the part of an Envoy configuration the filter depends on.
type renderedConfig struct {
	StaticResources struct {
		Listeners []struct {
			FilterChains []struct {
				Filters []struct {
					TypedConfig struct {
						HTTPFilters []struct {
							Name        string `yaml:"name"`
							TypedConfig struct {
								Config struct {
									Configuration struct {
										Value string `yaml:"value"`
									} `yaml:"configuration"`
								} `yaml:"config"`
							} `yaml:"typed_config"`
						} `yaml:"http_filters"`
					} `yaml:"typed_config"`
				} `yaml:"filters"`
			} `yaml:"filter_chains"`
		} `yaml:"listeners"`
		Clusters []struct {
			Name           string `yaml:"name"`
			LoadAssignment struct {
				Endpoints []struct {
					LBEndpoints []struct {
						Endpoint struct {
							Address struct {
								SocketAddress struct {
									Address   string `yaml:"address"`
									PortValue int    `yaml:"port_value"`
								} `yaml:"socket_address"`
							} `yaml:"address"`
						} `yaml:"endpoint"`
					} `yaml:"lb_endpoints"`
				} `yaml:"endpoints"`
			} `yaml:"load_assignment"`
		} `yaml:"clusters"`
	} `yaml:"static_resources"`
}

// TestRenderedConfig runs what `edge envoy-config` renders: the filter,
// configured with the rendered plugin configuration, must start and fetch
// its documents through clusters the rendered configuration defines, each
// pointing at the URL's host and port.
func TestRenderedConfig(t *testing.T) {
	for name, pol := range map[string][]byte{
		"default clusters":  conformance.BasePolicy(),
		"explicit clusters": policy(t, map[string]any{"jwks_cluster": "keys", "revocations_cluster": "feed"}),
		"feed elsewhere": policy(t, map[string]any{
			"revocations_url": "http://10.1.2.3:9000/o/revoked", "revocations_cluster": "feed",
		}),
	} {
		t.Run(name, func(t *testing.T) {
			out, err := envoyconfig.Render(pol, "/etc/envoy/envoy.wasm", nil)
			if err != nil {
				t.Fatal(err)
			}
			var cfg renderedConfig
			if err := yaml.Unmarshal(out, &cfg); err != nil {
				t.Fatal(err)
			}
			filter0 := cfg.StaticResources.Listeners[0].FilterChains[0].Filters[0].TypedConfig.HTTPFilters[0]
			if filter0.Name != "envoy.filters.http.wasm" {
				t.Fatalf("first HTTP filter %q", filter0.Name)
			}
			endpoints := map[string]string{} // cluster → host:port
			for _, c := range cfg.StaticResources.Clusters {
				a := c.LoadAssignment.Endpoints[0].LBEndpoints[0].Endpoint.Address.SocketAddress
				endpoints[c.Name] = net.JoinHostPort(a.Address, strconv.Itoa(a.PortValue))
			}

			f := newFilter(t, []byte(filter0.TypedConfig.Config.Configuration.Value), stoppedClock(now))
			calls := f.pending()
			if len(calls) != 2 {
				t.Fatalf("%d fetches, want 2", len(calls))
			}
			for _, c := range calls {
				ep, ok := endpoints[c.Upstream]
				if !ok {
					t.Errorf("fetch through cluster %q, which the configuration lacks", c.Upstream)
					continue
				}
				authority := headerValue(c.Headers, ":authority")
				if _, _, err := net.SplitHostPort(authority); err != nil {
					authority = net.JoinHostPort(authority, "443") // the base policy's URLs are https
				}
				if authority != ep {
					t.Errorf("fetch of %s%s through cluster %q, which points at %s",
						headerValue(c.Headers, ":authority"), headerValue(c.Headers, ":path"), c.Upstream, ep)
				}
			}
		})
	}
}
