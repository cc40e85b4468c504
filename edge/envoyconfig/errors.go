package envoyconfig

import "errors"

// Errors returned by Render, wrapped with details; a policy the validation
// core rejects comes back as its error (errors.Is finds validator.ErrPolicy).
var (
	// ErrClusterConflict: one cluster name would have to reach two origins
	// (jwks_url and revocations_url on different hosts share a cluster).
	ErrClusterConflict = errors.New("envoyconfig: one cluster for two origins")
	// ErrURL: a URL Envoy cannot reach as a cluster (not http or https, no
	// host, user info, a path on the upstream URL).
	ErrURL = errors.New("envoyconfig: invalid URL")
	// ErrAddress: a listen or admin address that is not host:port.
	ErrAddress = errors.New("envoyconfig: invalid address")
	// ErrWASMPath: the envoy.wasm path is empty or not one line.
	ErrWASMPath = errors.New("envoyconfig: invalid envoy.wasm path")
)
