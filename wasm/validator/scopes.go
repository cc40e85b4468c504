package validator

// The scopes a Validator can require — the policy's and every route's — are
// numbered when it is built, so that a cache hit checks a token's scopes with
// one AND of bit masks computed when the token was verified, instead of
// scanning its scope claim per request (about a tenth of a cached
// validation in WebAssembly). With more than 64 distinct scopes the masks are
// off and every request scans the claim.

// numberScopes numbers the distinct required scopes and sets the routes'
// masks; v.scopes and v.routes must be final.
func (v *Validator) numberScopes() {
	var names []string
	add := func(scopes []string) {
		for _, s := range scopes {
			if scopeIndex(names, s) < 0 {
				names = append(names, s)
			}
		}
	}
	add(v.scopes)
	for i := range v.routes {
		add(v.routes[i].scopes)
	}
	if len(names) > 64 {
		return
	}
	v.scopeNames, v.scopeBits = names, true
	v.policyRoute.mask = maskOf(names, v.scopes)
	for i := range v.routes {
		r := &v.routes[i]
		r.mask = v.policyRoute.mask | maskOf(names, r.scopes)
	}
}

func scopeIndex(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

func maskOf(names, scopes []string) uint64 {
	var m uint64
	for _, s := range scopes {
		m |= 1 << scopeIndex(names, s)
	}
	return m
}

// claimMask returns the bits of the numbered scopes that the space-separated
// scope claim holds.
func (v *Validator) claimMask(claim []byte) uint64 {
	var m uint64
	for i, s := range v.scopeNames {
		if hasScope(claim, s) {
			m |= 1 << i
		}
	}
	return m
}

// granted reports whether the cached token e holds every scope r requires,
// the policy's included.
func (v *Validator) granted(e *entry, r *route) bool {
	if v.scopeBits {
		return e.scopes&r.mask == r.mask
	}
	return hasScopes(e.scopeClaim(), v.scopes, r.scopes)
}
