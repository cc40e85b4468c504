// hostcrypto.mjs — the guest's one import besides WASI,
// tollgate.verify_signature (wasm/ABI.md, "Host import"): the signature of
// an uncached token is checked with workerd's native cryptography (node:crypto,
// BoringSSL underneath, synchronous; WebCrypto would be asynchronous and a
// wasm import cannot wait) instead of Go compiled to WebAssembly. Parsing,
// key selection, the key/algorithm match, the signature's length and ECDSA's
// r, s ranges are all checked by the guest before it calls.
//
// PS256 stays in the guest: workerd's node:crypto verify does not apply
// RSA-PSS padding (measured on workerd 1.20261117.1: it accepts a PKCS #1
// v1.5 signature and refuses a genuine PSS one), so verify_signature answers
// -1 for it.
//
// node:crypto needs a compatibility date on or after 2026-08-04 (when
// nodejs_compat became the default) or the nodejs_compat flag.

import { createPublicKey, verify } from "node:crypto";

// Algorithm codes of verify_signature.
const RS256 = 1;
const PS256 = 2;
const ES256 = 3;
const EDDSA = 4;

const MAX_KEYS = 256; // parsed keys kept; cleared when full (keys rotate rarely)

// "code:a:b" (base64url) → verify options: the key as SPKI DER plus the
// algorithm's parameters. workerd's verify takes a bare KeyObject but not a
// KeyObject inside an options object, and ES256 needs options.
const keys = new Map();

/**
 * verifySignature answers verify_signature for raw inputs (Uint8Arrays):
 * 1 valid, 0 invalid, -1 when the host cannot decide (unknown algorithm,
 * key material it cannot parse); the guest then verifies in Go.
 */
export function verifySignature(code, a, b, msg, sig) {
  try {
    if (code === PS256) return -1;
    const options = optionsFor(code, a, b);
    if (!options) return -1;
    return verify(code === EDDSA ? null : "sha256", msg, options, sig) ? 1 : 0;
  } catch {
    // A key node:crypto refuses: leave the decision to the guest.
  }
  return -1;
}

/**
 * importObject returns the "tollgate" import module for an instance whose
 * memory memory() returns.
 */
export function importObject(memory) {
  return {
    verify_signature(code, aPtr, aLen, bPtr, bLen, msgPtr, msgLen, sigPtr, sigLen) {
      const buf = memory().buffer;
      const view = (ptr, len) => new Uint8Array(buf, ptr >>> 0, len >>> 0);
      return verifySignature(code, view(aPtr, aLen), view(bPtr, bLen), view(msgPtr, msgLen), view(sigPtr, sigLen));
    },
  };
}

function optionsFor(code, a, b) {
  const id = `${code}:${b64url(a)}:${b64url(b)}`;
  let options = keys.get(id);
  if (options) return options;
  let jwk;
  switch (code) {
    case RS256:
      jwk = { kty: "RSA", n: b64url(a), e: b64url(b) };
      break;
    case ES256:
      if (a.length !== 32 || b.length !== 32) return null;
      jwk = { kty: "EC", crv: "P-256", x: b64url(a), y: b64url(b) };
      break;
    case EDDSA:
      if (a.length !== 32 || b.length !== 0) return null;
      jwk = { kty: "OKP", crv: "Ed25519", x: b64url(a) };
      break;
    default:
      return null;
  }
  const der = createPublicKey({ key: jwk, format: "jwk" }).export({ format: "der", type: "spki" });
  options = { key: der, format: "der", type: "spki" };
  if (code === ES256) options.dsaEncoding = "ieee-p1363";
  if (keys.size >= MAX_KEYS) keys.clear();
  keys.set(id, options);
  return options;
}

function b64url(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
