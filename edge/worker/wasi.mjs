// wasi.mjs — the smallest WASI preview1 host that runs validator.wasm (a Go
// wasip1 reactor) inside a Cloudflare Worker. workerd has no WASI of its own.
//
// What Go's runtime needs, and what workerd allows (measured on workerd):
//   - Every import the module declares must be a function, or instantiation
//     fails with a LinkError: imports() answers every wasi_snapshot_preview1
//     name the module asks for, unknown ones with ENOSYS.
//   - fd_prestat_get must answer EBADF ("no preopened directories"), or Go's
//     init gives up and exits.
//   - random_get is served by crypto.getRandomValues, which takes at most
//     64 KiB per call (we loop), and which workerd forbids at module top
//     level: instantiate inside a request.
//   - poll_oneoff cannot block (a Worker has no way to sleep synchronously):
//     clock subscriptions fire at once and the monotonic clock jumps by the
//     timeout, so a guest that sleeps sees the time it asked for go by.
//   - proc_exit throws WasiExit: the instance is dead afterwards and its
//     owner must create a new one (a Go panic ends in proc_exit(2)).
//
// No files, no arguments, no environment. fd 1 and 2 go to console.log and
// console.error, a line at a time.

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;

const CLOCK_REALTIME = 0;
const EVENTTYPE_CLOCK = 0;
const FILETYPE_CHARACTER_DEVICE = 2;
const RANDOM_CHUNK = 65536; // crypto.getRandomValues' limit per call

/** WasiExit is thrown by proc_exit; the instance must not be used again. */
export class WasiExit extends Error {
  constructor(code) {
    super(`wasi: guest exited with status ${code}`);
    this.name = "WasiExit";
    this.code = code;
  }
}

/**
 * Wasi is one instance's WASI environment. Create it, instantiate the module
 * with { wasi_snapshot_preview1: wasi.imports(module) }, then call
 * wasi.bind(instance) before _initialize.
 */
export class Wasi {
  constructor() {
    this.memory = null;
    this.monotonicOffset = 0n; // time "slept" through poll_oneoff, ns
    this.lastMonotonic = 0n;
    this.lines = ["", ""]; // partial stdout, stderr lines
  }

  /** bind gives the shim the instance's exported memory. */
  bind(instance) {
    this.memory = instance.exports.memory;
  }

  /**
   * imports returns the wasi_snapshot_preview1 import object for module:
   * the functions below, and an ENOSYS stub for any other name it imports.
   */
  imports(module) {
    const impl = this.functions();
    const out = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module !== "wasi_snapshot_preview1" || imp.kind !== "function") continue;
      out[imp.name] = impl[imp.name] ?? (() => ENOSYS);
    }
    return out;
  }

  view() {
    return new DataView(this.memory.buffer);
  }

  bytes(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  now(id) {
    const wall = BigInt(Date.now()) * 1000000n;
    if (id === CLOCK_REALTIME) return wall;
    // workerd's clock stands still during a request; keep the monotonic
    // clock strictly increasing anyway.
    let t = wall + this.monotonicOffset;
    if (t <= this.lastMonotonic) t = this.lastMonotonic + 1n;
    this.lastMonotonic = t;
    return t;
  }

  flush(fd, text) {
    const i = fd - 1;
    const lines = (this.lines[i] + text).split("\n");
    this.lines[i] = lines.pop();
    for (const line of lines) (fd === 1 ? console.log : console.error)(line);
  }

  functions() {
    const decoder = new TextDecoder();
    return {
      args_sizes_get: (argc, bufSize) => {
        const v = this.view();
        v.setUint32(argc, 0, true);
        v.setUint32(bufSize, 0, true);
        return ESUCCESS;
      },
      args_get: () => ESUCCESS,
      environ_sizes_get: (count, bufSize) => {
        const v = this.view();
        v.setUint32(count, 0, true);
        v.setUint32(bufSize, 0, true);
        return ESUCCESS;
      },
      environ_get: () => ESUCCESS,
      clock_res_get: (_id, out) => {
        this.view().setBigUint64(out, 1000000n, true);
        return ESUCCESS;
      },
      clock_time_get: (id, _precision, out) => {
        this.view().setBigUint64(out, this.now(id), true);
        return ESUCCESS;
      },
      random_get: (ptr, len) => {
        for (let off = 0; off < len; off += RANDOM_CHUNK) {
          crypto.getRandomValues(this.bytes(ptr + off, Math.min(RANDOM_CHUNK, len - off)));
        }
        return ESUCCESS;
      },
      fd_write: (fd, iovs, iovsLen, nwritten) => {
        if (fd !== 1 && fd !== 2) return EBADF;
        const v = this.view();
        let n = 0;
        let text = "";
        for (let i = 0; i < iovsLen; i++) {
          const ptr = v.getUint32(iovs + 8 * i, true);
          const len = v.getUint32(iovs + 8 * i + 4, true);
          text += decoder.decode(this.bytes(ptr, len), { stream: true });
          n += len;
        }
        this.flush(fd, text);
        v.setUint32(nwritten, n, true);
        return ESUCCESS;
      },
      fd_fdstat_get: (fd, out) => {
        if (fd > 2) return EBADF;
        const v = this.view();
        v.setUint8(out, FILETYPE_CHARACTER_DEVICE);
        v.setUint16(out + 2, 0, true); // fdflags
        v.setBigUint64(out + 8, 0xffffffffn, true); // rights base
        v.setBigUint64(out + 16, 0xffffffffn, true); // rights inheriting
        return ESUCCESS;
      },
      fd_fdstat_set_flags: (fd) => (fd > 2 ? EBADF : ESUCCESS),
      fd_close: (fd) => (fd > 2 ? EBADF : ESUCCESS),
      fd_prestat_get: () => EBADF,
      fd_prestat_dir_name: () => EBADF,
      sched_yield: () => ESUCCESS,
      poll_oneoff: (inPtr, outPtr, nsubs, neventsPtr) => {
        if (nsubs === 0) return EINVAL;
        const v = this.view();
        let longest = 0n;
        for (let i = 0; i < nsubs; i++) {
          const sub = inPtr + 48 * i;
          const ev = outPtr + 32 * i;
          const userdata = v.getBigUint64(sub, true);
          const type = v.getUint8(sub + 8);
          v.setBigUint64(ev, userdata, true);
          v.setUint8(ev + 10, type);
          v.setBigUint64(ev + 16, 0n, true);
          v.setUint16(ev + 24, 0, true);
          if (type === EVENTTYPE_CLOCK) {
            v.setUint16(ev + 8, ESUCCESS, true);
            const timeout = v.getBigUint64(sub + 24, true);
            const absolute = (v.getUint16(sub + 40, true) & 1) !== 0;
            const wait = absolute ? timeout - this.now(v.getUint32(sub + 16, true)) : timeout;
            if (wait > longest) longest = wait;
          } else {
            v.setUint16(ev + 8, EBADF, true); // no file descriptors to wait on
          }
        }
        this.monotonicOffset += longest;
        v.setUint32(neventsPtr, nsubs, true);
        return ESUCCESS;
      },
      proc_exit: (code) => {
        throw new WasiExit(code);
      },
    };
  }
}
