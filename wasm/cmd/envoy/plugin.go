package main

import (
	"time"

	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm"
	"github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/tollgate/tollgate/wasm/validator"
)

// defaultCluster is the Envoy cluster the documents are fetched through when
// the policy names none; edge/envoyconfig renders a cluster of this name.
const defaultCluster = "tollgate_issuer"

// tickPeriod is how often the plugin checks whether a document is due.
const tickPeriod = time.Second

// plugin is the root context of one plugin configuration in one VM: it owns
// the VM's Validator and keeps its keys and revocations fresh.
type plugin struct {
	types.DefaultPluginContext

	v     *validator.Validator
	realm string
	// Documents fetched from the issuer; nil when the policy has no URL.
	jwks, revocations *document
	// challenge is reused for WWW-Authenticate values.
	challenge []byte
}

// OnPluginStart implements types.PluginContext: it parses the policy and
// starts the fetches. It reports failure, so that Envoy rejects the
// configuration, when the policy is missing or invalid.
func (p *plugin) OnPluginStart(int) (status types.OnPluginStartStatus) {
	defer func() {
		if r := recover(); r != nil {
			proxywasm.LogCriticalf("tollgate: plugin start: recovered: %v", r)
			status = types.OnPluginStartStatusFailed
		}
	}()
	conf, err := proxywasm.GetPluginConfiguration()
	if err != nil || len(conf) == 0 {
		proxywasm.LogCritical("tollgate: the plugin configuration must be the policy document")
		return types.OnPluginStartStatusFailed
	}
	if err := p.configure(conf); err != nil {
		proxywasm.LogCriticalf("tollgate: %v", err)
		return types.OnPluginStartStatusFailed
	}
	if p.jwks != nil || p.revocations != nil {
		if err := proxywasm.SetTickPeriodMilliSeconds(uint32(tickPeriod / time.Millisecond)); err != nil {
			proxywasm.LogCriticalf("tollgate: set tick period: %v", err)
			return types.OnPluginStartStatusFailed
		}
		p.poll(time.Now())
	}
	return types.OnPluginStartStatusOK
}

// configure builds the Validator and the documents from the policy.
func (p *plugin) configure(conf []byte) error {
	pol, err := validator.ParsePolicy(conf)
	if err != nil {
		return err
	}
	v, err := validator.New(pol)
	if err != nil {
		return err
	}
	jwksCluster, revCluster := pol.JWKSCluster, pol.RevocationsCluster
	if jwksCluster == "" {
		jwksCluster = defaultCluster
	}
	if revCluster == "" {
		revCluster = jwksCluster
	}
	refresh := time.Duration(pol.RefreshSeconds) * time.Second
	if pol.JWKSURL != "" {
		if p.jwks, err = newDocument("jwks", pol.JWKSURL, jwksCluster, refresh, maxJWKSBytes, v.SetKeys); err != nil {
			return err
		}
	}
	if pol.RevocationsURL != "" {
		if p.revocations, err = newDocument("revocations", pol.RevocationsURL, revCluster, refresh, maxFeedBytes, v.SetRevocations); err != nil {
			return err
		}
	}
	p.v, p.realm = v, pol.Realm
	return nil
}

// OnTick implements types.PluginContext: it starts the fetches that are due.
func (p *plugin) OnTick() {
	defer func() {
		if r := recover(); r != nil {
			proxywasm.LogCriticalf("tollgate: tick: recovered: %v", r)
		}
	}()
	p.poll(time.Now())
}

func (p *plugin) poll(now time.Time) {
	for _, d := range []*document{p.jwks, p.revocations} {
		if d != nil {
			d.poll(now)
		}
	}
}

// NewHttpContext implements types.PluginContext.
func (p *plugin) NewHttpContext(uint32) types.HttpContext { return &request{p: p} }
