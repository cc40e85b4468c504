package edge

import "errors"

var (
	// ErrNoModule means no validator module was given and none was embedded
	// at build time.
	ErrNoModule = errors.New("edge: no validator module: pass Options.Module or Options.ModulePath, or run `make wasm` before building to embed one")
	// ErrABIVersion means the module implements a different ABI version.
	ErrABIVersion = errors.New("edge: unsupported validator ABI version")
	// ErrPolicy means a guest rejected the policy document.
	ErrPolicy = errors.New("edge: policy rejected")
	// ErrClosed is returned by calls on a closed Host.
	ErrClosed = errors.New("edge: host closed")
	// ErrGuest means an instance failed (a trap or an internal error status);
	// the instance has been replaced.
	ErrGuest = errors.New("edge: validator instance failed")
	// ErrFetch means a JWKS or revocation document could not be fetched or
	// was not accepted; the previous document stays in use.
	ErrFetch = errors.New("edge: fetch failed")
)
