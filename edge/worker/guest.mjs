// guest.mjs — one validator.wasm instance behind the raw ABI of wasm/ABI.md
// (version 1): instantiation with the WASI shim, documents in, verdicts and
// result records out.
//
// A Guest is dead once any call into it throws (a trap, a guest panic that
// reached proc_exit, memory exhaustion) or returns an internal-error status;
// every later call throws GuestDead and its owner creates a new Guest.

import { Wasi } from "./wasi.mjs";
import { importObject } from "./hostcrypto.mjs";

export const ABI_VERSION = 1;

/** Verdicts of tg_authorize (wasm/ABI.md, "Verdicts"). */
export const ALLOW = 0;
export const INVALID_REQUEST = 1;
export const INVALID_TOKEN = 2;
export const INSUFFICIENT_SCOPE = 3;
export const NO_TOKEN = 4;

/** Result record flags. */
export const FLAG_CACHED = 1 << 0;
export const FLAG_UNKNOWN_KEY = 1 << 1;

const SCRATCH_SIZE = 4096;

/** GuestDead: the instance trapped or failed and must be replaced. */
export class GuestDead extends Error {
  constructor(message, options) {
    super(`validator.wasm: ${message}`, options);
    this.name = "GuestDead";
  }
}

/** DocumentRejected: tg_configure or a tg_set_* call refused a document. */
export class DocumentRejected extends Error {
  constructor(what, reason) {
    super(`validator.wasm rejected the ${what}: ${reason}`);
    this.name = "DocumentRejected";
  }
}

export class Guest {
  /**
   * Guest instantiates module (a WebAssembly.Module) and runs _initialize.
   * Call it inside a request: Go's runtime start reads random bytes, which
   * workerd refuses at module top level.
   */
  constructor(module) {
    this.dead = null;
    const wasi = new Wasi();
    this.instance = new WebAssembly.Instance(module, {
      wasi_snapshot_preview1: wasi.imports(module),
      tollgate: importObject(() => this.instance.exports.memory),
    });
    wasi.bind(this.instance);
    this.x = this.instance.exports;
    this.call(() => this.x._initialize());
    const version = this.call(() => this.x.tg_abi_version());
    if (version !== ABI_VERSION) {
      this.dead = new GuestDead(`ABI version ${version}, want ${ABI_VERSION}`);
      throw this.dead;
    }
    this.resultDesc = this.call(() => this.x.tg_result());
    this.scratchSize = SCRATCH_SIZE;
    this.scratch = this.call(() => this.x.tg_scratch(SCRATCH_SIZE));
  }

  /** call runs fn against the instance, killing the Guest if it throws. */
  call(fn) {
    if (this.dead) throw this.dead;
    try {
      return fn();
    } catch (err) {
      this.dead = new GuestDead(`instance failed: ${err && err.message}`, { cause: err });
      throw this.dead;
    }
  }

  memory() {
    return new Uint8Array(this.x.memory.buffer);
  }

  /** configure loads the policy document (text). */
  configure(policy) {
    this.document("tg_configure", "policy", policy);
  }

  /** setKeys replaces the keys with a JWKS document (text). */
  setKeys(jwks) {
    this.document("tg_set_keys", "JWKS", jwks);
  }

  /** setRevocations replaces the revocation feed (text). */
  setRevocations(feed) {
    this.document("tg_set_revocations", "revocation feed", feed);
  }

  document(exportName, what, text) {
    const bytes = new TextEncoder().encode(text);
    const status = this.call(() => {
      const ptr = bytes.length ? this.x.tg_alloc(bytes.length) : 0;
      if (bytes.length && ptr === 0) throw new Error(`tg_alloc(${bytes.length}) failed`);
      this.memory().set(bytes, ptr);
      try {
        return this.x[exportName](ptr, bytes.length);
      } finally {
        if (ptr) this.x.tg_free(ptr);
      }
    });
    if (status === 0) return;
    if (status === 1) throw new DocumentRejected(what, this.record().fields[0]);
    this.dead = new GuestDead(`${exportName} returned status ${status}`);
    throw this.dead;
  }

  /**
   * authorize runs tg_authorize for one request: the whole Authorization
   * header value ("" when absent), the host's time in Unix seconds, the
   * method and the path as sent. Strings are written byte for byte (header
   * values are Latin-1 "byte strings" in the Fetch API). It returns
   * { verdict, flags, expiry, fields }.
   */
  authorize(header, now, method, path) {
    const total = header.length + method.length + path.length;
    return this.call(() => {
      if (total > this.scratchSize) {
        let size = this.scratchSize;
        while (size < total) size *= 2;
        const ptr = this.x.tg_scratch(size);
        if (ptr === 0) throw new Error(`tg_scratch(${size}) failed`);
        this.scratch = ptr;
        this.scratchSize = size;
      }
      const mem = this.memory();
      let p = this.scratch;
      const put = (s) => {
        const at = p;
        for (let i = 0; i < s.length; i++) mem[p++] = s.charCodeAt(i);
        return at;
      };
      const h = put(header);
      const m = put(method);
      const q = put(path);
      const verdict = this.x.tg_authorize(h, header.length, BigInt(now), m, method.length, q, path.length);
      if (verdict < 0) throw new Error(`tg_authorize returned status ${verdict}`);
      return { verdict, ...this.record() };
    });
  }

  /** record decodes the result record; fields are Latin-1 byte strings. */
  record() {
    const v = new DataView(this.x.memory.buffer);
    const at = v.getUint32(this.resultDesc, true);
    const fields = [];
    let p = at + 12;
    for (let i = 0; i < 3; i++) {
      const n = v.getUint32(p, true);
      fields.push(byteString(new Uint8Array(this.x.memory.buffer, p + 4, n)));
      p += 4 + n;
    }
    return { flags: v.getUint32(at, true), expiry: v.getBigInt64(at + 4, true), fields };
  }
}

/** byteString maps each byte to the character of the same code. */
function byteString(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return s;
}
