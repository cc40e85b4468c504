// Package worker holds Tollgate's Cloudflare Worker: the ES-module script
// that runs validator.wasm (wasm/ABI.md) in front of an origin, with a
// minimal WASI preview1 shim. The JavaScript files are the product (deploy
// them with wrangler, see README.md); this Go package only embeds them so
// that [github.com/tollgate/tollgate/edge/workerd] can run them on a local
// workerd.
//
// # Modules
//
//   - worker.mjs: the fetch handler (validation, RFC 6750 answers, proxying);
//   - site.mjs: per-isolate state (policy, instance, feeds);
//   - guest.mjs: one validator.wasm instance behind the raw ABI;
//   - feed.mjs: jwks_url and revocations_url, cached with a TTL;
//   - hostcrypto.mjs: the guest's tollgate.verify_signature import, on
//     node:crypto;
//   - wasi.mjs: the WASI preview1 shim.
//
// The worker imports validator.wasm as "./validator.wasm", which is not
// embedded here: the host supplies the module it was built with.
package worker
