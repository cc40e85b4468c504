// feed.mjs — one document the worker polls: the JWKS at jwks_url or the
// revocation feed at revocations_url.
//
// A Feed remembers the last document the guest accepted and its ETag, is due
// again refresh_seconds after a successful fetch (a 304 counts), and after a
// failure waits RETRY_MS (or refresh_seconds, if shorter) before it tries
// again, so an issuer that is down is not hammered by every request. A fetch
// belongs to the request that started it (workerd forbids sharing I/O across
// requests), so instead of a shared promise a feed only records that a fetch
// is in flight; other requests carry on with the document they have. Until
// the first document arrives there is none to carry on with, so every request
// fetches for itself (subject to the retry delay after a failure).

const RETRY_MS = 30000;
const FETCH_TIMEOUT_MS = 10000;
const IN_FLIGHT_MS = 2 * FETCH_TIMEOUT_MS; // after this, assume the fetch was lost
const MAX_DOCUMENT_BYTES = 64 << 20; // the guest's largest buffer (wasm/ABI.md)

export class Feed {
  /** name is the policy field (for logs); url is its value. */
  constructor(name, url, refreshMs) {
    this.name = name;
    this.url = url;
    this.refreshMs = refreshMs;
    this.body = null; // the accepted document, text
    this.etag = null;
    this.nextAt = 0; // ms: when the feed is due
    this.inFlightSince = 0; // ms; 0 when no fetch is running
  }

  /** due reports whether a fetch should start at nowMs. */
  due(nowMs) {
    if (nowMs < this.nextAt) return false;
    return this.body === null || this.inFlightSince === 0 || nowMs - this.inFlightSince > IN_FLIGHT_MS;
  }

  /**
   * fetch fetches the document (conditionally, when an ETag is known) and
   * returns { text, etag } for a new document, or null when it is unchanged
   * or the fetch failed (which it logs). The caller passes a new document to
   * the guest, then calls accept or reject.
   */
  async fetch() {
    this.inFlightSince = Date.now();
    try {
      const headers = { accept: "application/json" };
      if (this.etag && this.body !== null) headers["if-none-match"] = this.etag;
      const resp = await fetch(this.url, { headers, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (resp.status === 304) {
        this.nextAt = Date.now() + this.refreshMs;
        return null;
      }
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const length = Number(resp.headers.get("content-length") ?? 0);
      if (length > MAX_DOCUMENT_BYTES) throw new Error(`document of ${length} bytes is too large`);
      const text = await resp.text();
      this.nextAt = Date.now() + this.refreshMs;
      if (text === this.body) return null;
      return { text, etag: resp.headers.get("etag") };
    } catch (err) {
      this.failed(err);
      return null;
    } finally {
      this.inFlightSince = 0;
    }
  }

  /** accept records doc as the current document. */
  accept(doc) {
    this.body = doc.text;
    this.etag = doc.etag;
  }

  /** reject records that the guest refused doc (logged, retried later). */
  reject(doc, err) {
    this.etag = null; // fetch it in full next time
    this.failed(err);
  }

  failed(err) {
    this.nextAt = Date.now() + Math.min(RETRY_MS, this.refreshMs);
    console.error(`tollgate: ${this.name} ${this.url}: ${err && err.message}`);
  }
}
