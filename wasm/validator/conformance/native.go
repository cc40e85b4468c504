package conformance

import "github.com/tollgate/tollgate/wasm/validator"

// Native runs a case on the validation core directly: the reference adapter.
// A duplicated Authorization header gets invalid_request, as every host must
// answer it.
func Native(c *Case) (Result, error) {
	p, err := validator.ParsePolicy(c.Policy)
	if err != nil {
		return Result{}, err
	}
	v, err := validator.New(p)
	if err != nil {
		return Result{}, err
	}
	if c.Keys != nil {
		if err := v.SetKeys(c.Keys); err != nil {
			return Result{}, err
		}
	}
	if c.Revocations != nil {
		if err := v.SetRevocations(c.Revocations); err != nil {
			return Result{}, err
		}
	}
	return NativeRequest(v, p.Realm, c), nil
}

// NativeRequest answers c's request with an already configured Validator,
// through BearerToken and Validate.
func NativeRequest(v *validator.Validator, realm string, c *Case) Result {
	deny := func(e *validator.Error) Result { return nativeDenial(realm, e) }
	switch len(c.Authorization) {
	case 0:
		return deny(nil)
	case 1:
	default:
		return deny(&validator.Error{Code: validator.InvalidRequest, Description: "malformed authorization header"})
	}
	tok, e := validator.BearerToken([]byte(c.Authorization[0]))
	if e != nil {
		return deny(e)
	}
	if tok == nil {
		return deny(nil)
	}
	cl, e := v.Validate(tok, c.Now, []byte(c.Method), []byte(c.Path))
	if e != nil {
		return deny(e)
	}
	return Result{Status: 200, Subject: string(cl.Subject), ClientID: string(cl.ClientID), Scope: string(cl.Scope)}
}

// NativeAuthorize is NativeRequest through Validator.Authorize, the
// one-call form the WebAssembly guests use.
func NativeAuthorize(v *validator.Validator, realm string, c *Case) Result {
	switch len(c.Authorization) {
	case 0:
		return nativeDenial(realm, nil)
	case 1:
	default:
		return nativeDenial(realm, &validator.Error{Code: validator.InvalidRequest, Description: "malformed authorization header"})
	}
	var cl validator.Claims
	bearer, e := v.Authorize([]byte(c.Authorization[0]), c.Now, []byte(c.Method), []byte(c.Path), &cl)
	if !bearer || e != nil {
		return nativeDenial(realm, e)
	}
	return Result{Status: 200, Subject: string(cl.Subject), ClientID: string(cl.ClientID), Scope: string(cl.Scope)}
}

// nativeDenial is the answer to a denial, or to no token when e is nil.
func nativeDenial(realm string, e *validator.Error) Result {
	status := 401
	if e != nil {
		status = e.Code.Status()
	}
	return Result{Status: status, WWWAuthenticate: string(validator.AppendChallenge(nil, realm, e))}
}
