// site.mjs — the worker's state for one deployment: the policy, the
// validator instance and the two feeds. An isolate keeps one Site across
// requests; the instance and the accepted documents live as long as it.

import { Feed } from "./feed.mjs";
import { Guest, GuestDead, INVALID_TOKEN, FLAG_UNKNOWN_KEY } from "./guest.mjs";

const DEFAULT_REFRESH_SECONDS = 300;
const DEFAULT_REALM = "tollgate";
const UNKNOWN_KID_INTERVAL_MS = 30000; // one JWKS refetch per 30 s for unknown kids

export class Site {
  /**
   * Site reads the policy document (text, or an object as wrangler's [vars]
   * give it) and keeps the compiled validator module. It throws if the
   * policy is not a JSON object; the guest checks the rest when the first
   * request configures it.
   */
  constructor(policy, module) {
    this.policyText = typeof policy === "string" ? policy : JSON.stringify(policy);
    const p = JSON.parse(this.policyText);
    if (p === null || typeof p !== "object" || Array.isArray(p)) throw new Error("POLICY is not a JSON object");
    this.realm = typeof p.realm === "string" && p.realm !== "" ? p.realm : DEFAULT_REALM;
    const refreshSeconds = Number.isInteger(p.refresh_seconds) && p.refresh_seconds > 0 ? p.refresh_seconds : DEFAULT_REFRESH_SECONDS;
    const refreshMs = refreshSeconds * 1000;
    this.keys = typeof p.jwks_url === "string" ? new Feed("jwks_url", p.jwks_url, refreshMs) : null;
    this.revocations = typeof p.revocations_url === "string" ? new Feed("revocations_url", p.revocations_url, refreshMs) : null;
    this.module = module;
    this.guest = null;
    this.configError = null; // the policy was refused: every request gets 503
    this.lastKidFetch = -Infinity;
    this.instantiations = 0;
  }

  /**
   * ready returns a live, configured Guest, creating one (first request, or
   * after the previous one died) with the policy and the accepted documents.
   */
  ready() {
    if (this.configError) throw this.configError;
    if (this.guest && !this.guest.dead) return this.guest;
    this.guest = null;
    const g = new Guest(this.module);
    try {
      g.configure(this.policyText);
    } catch (err) {
      if (!(err instanceof GuestDead)) this.configError = err;
      throw err;
    }
    if (this.keys && this.keys.body !== null) g.setKeys(this.keys.body);
    if (this.revocations && this.revocations.body !== null) g.setRevocations(this.revocations.body);
    this.guest = g;
    this.instantiations++;
    console.log(`tollgate: validator.wasm instance ${this.instantiations} ready`);
    return g;
  }

  /**
   * refresh fetches the feeds that are due. A feed that has never loaded is
   * awaited (the request needs it); a stale one is refreshed in the
   * background through ctx.waitUntil, and the request uses what it has.
   */
  async refresh(ctx) {
    const now = Date.now();
    const waits = [];
    for (const feed of [this.keys, this.revocations]) {
      if (!feed || !feed.due(now)) continue;
      const p = this.update(feed);
      if (feed.body === null) waits.push(p);
      else ctx.waitUntil(p);
    }
    await Promise.all(waits);
  }

  /** update fetches feed and hands a new document to the guest. */
  async update(feed) {
    const doc = await feed.fetch();
    if (!doc) return false;
    try {
      const g = this.ready();
      if (feed === this.keys) g.setKeys(doc.text);
      else g.setRevocations(doc.text);
      feed.accept(doc);
      return true;
    } catch (err) {
      // A dead guest is replaced on the next request, from the documents
      // accepted so far; this one is fetched again when due.
      if (err instanceof GuestDead) feed.nextAt = 0;
      else feed.reject(doc, err);
      return false;
    }
  }

  /**
   * authorize answers one request (see Guest.authorize). A token whose kid
   * no key matches triggers one JWKS refetch per 30 s and, if the keys
   * changed, a second try.
   */
  async authorize(header, now, method, path) {
    let r = this.ready().authorize(header, now, method, path);
    if (r.verdict === INVALID_TOKEN && (r.flags & FLAG_UNKNOWN_KEY) && this.keys && this.keys.inFlightSince === 0 &&
      Date.now() - this.lastKidFetch >= UNKNOWN_KID_INTERVAL_MS) {
      this.lastKidFetch = Date.now();
      if (await this.update(this.keys)) r = this.ready().authorize(header, now, method, path);
    }
    return r;
  }
}
