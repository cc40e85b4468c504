// worker.mjs — Tollgate's token validator as a Cloudflare Worker (ES module
// syntax). It runs validator.wasm (wasm/ABI.md) in front of an origin:
//
//   allowed   forwarded to the origin with X-Auth-Subject, X-Auth-Client-Id
//             and X-Auth-Scope (every incoming X-Auth-* header removed)
//   no token  401, WWW-Authenticate: Bearer realm="…"
//   bad Authorization header (a duplicated one included)
//             400, error="invalid_request"
//   bad token 401, error="invalid_token", error_description="…"
//   scope     403, error="insufficient_scope", scope="…"
//   no answer 503 (policy refused, instance failed); 502 if the origin fails
//
// Bindings:
//   POLICY               the policy document (DESIGN.md), JSON text or object
//   UPSTREAM             origin base URL, http(s)://host[:port]; without it
//                        the request goes to its own URL (a Worker on a route
//                        in front of its origin). ORIGIN is accepted too.
//   INSECURE_NOW_HEADER  tests only: the name of a request header whose value
//                        (Unix seconds) replaces the clock. Never set it in a
//                        deployment: anyone could replay expired tokens.
//
// validator.wasm is a module import (workerd: a `wasm` module; wrangler: a
// CompiledWasm rule). The instance is created inside the first request,
// because Go's runtime start reads random bytes and workerd forbids that at
// module top level, and is reused until it fails.

import validatorModule from "./validator.wasm";
import { Site } from "./site.mjs";
import { ALLOW, INVALID_REQUEST, INSUFFICIENT_SCOPE, NO_TOKEN } from "./guest.mjs";

const AUTH_PREFIX = "x-auth-";

let site = null; // one per isolate
let siteError = null;

export default {
  async fetch(request, env, ctx) {
    const s = siteFor(env);
    if (!s) return unavailable();
    const target = requestTarget(request);
    if (target === null) return new Response("bad request target\n", { status: 400 });

    const auth = request.headers.get("authorization");
    if (auth !== null && duplicatedBearer(auth)) {
      return deny(s.realm, INVALID_REQUEST, "malformed authorization header", "");
    }
    let now = Math.floor(Date.now() / 1000);
    const fake = s.nowHeader ? request.headers.get(s.nowHeader) : null;
    if (fake !== null && /^[0-9]{1,15}$/.test(fake)) now = Number(fake);
    const path = target.split("?", 1)[0];

    let r;
    try {
      await s.refresh(ctx);
      r = await s.authorize(auth ?? "", now, request.method, path);
    } catch (err) {
      console.error(`tollgate: ${err && err.message}`);
      return unavailable();
    }
    if (r.verdict !== ALLOW) return deny(s.realm, r.verdict, r.fields[0], r.fields[1]);
    return forward(request, s.upstream, target, r.fields);
  },
};

/** siteFor returns the isolate's Site, or null if the bindings are unusable. */
function siteFor(env) {
  if (site) return site;
  if (siteError) return null;
  try {
    const s = new Site(env.POLICY ?? "", validatorModule);
    s.upstream = upstreamOrigin(env.UPSTREAM ?? env.ORIGIN);
    s.nowHeader = env.INSECURE_NOW_HEADER || "";
    site = s;
  } catch (err) {
    siteError = err;
    console.error(`tollgate: bad configuration: ${err.message}`);
  }
  return site;
}

/** upstreamOrigin checks the UPSTREAM binding and returns "scheme://host[:port]", or "" if unset. */
function upstreamOrigin(value) {
  if (value === undefined || value === "") return "";
  const u = new URL(value);
  if ((u.protocol !== "http:" && u.protocol !== "https:") || (u.pathname !== "/" && u.pathname !== "") || u.search || u.hash || u.username) {
    throw new Error(`UPSTREAM must be http(s)://HOST[:PORT] with no path, got ${JSON.stringify(value)}`);
  }
  return `${u.protocol}//${u.host}`;
}

/**
 * requestTarget returns the path and query as the client sent them,
 * percent-encoding and dot segments intact (request.url keeps them; the URL
 * class would not), or null if the target is not origin-form.
 */
function requestTarget(request) {
  const url = request.url;
  const scheme = url.indexOf("://");
  if (scheme < 0) return null;
  // request.url is scheme://Host-header/target; the Host header may itself
  // hold '/' or '?', so cut it off by its value when it is there.
  const host = request.headers.get("host");
  let rest;
  if (host !== null && url.startsWith(host, scheme + 3)) rest = url.slice(scheme + 3 + host.length);
  else {
    const slash = url.indexOf("/", scheme + 3);
    rest = slash < 0 ? "" : url.slice(slash);
  }
  return rest.startsWith("/") ? rest.split("#", 1)[0] : null;
}

/**
 * duplicatedBearer reports whether a combined Authorization value carries a
 * Bearer credential among several. The Fetch API joins repeated headers with
 * ", ", and a bearer token never contains a comma, so a comma beside a
 * Bearer scheme means a duplicated (or malformed) header: invalid_request.
 */
function duplicatedBearer(value) {
  if (!value.includes(",")) return false;
  return value.split(",").some((part) => /^[ \t]*bearer(?:[ \t]|$)/i.test(part));
}

const ERROR_CODES = { 1: "invalid_request", 2: "invalid_token", 3: "insufficient_scope" };
const STATUS = { 1: 400, 2: 401, 3: 403, 4: 401 };

/** deny answers a refused request as RFC 6750 §3 says. */
function deny(realm, verdict, description, scope) {
  let challenge = `Bearer realm="${quoted(realm)}"`;
  if (verdict !== NO_TOKEN) {
    challenge += `, error="${ERROR_CODES[verdict] ?? "invalid_token"}", error_description="${quoted(description)}"`;
    if (verdict === INSUFFICIENT_SCOPE && scope) challenge += `, scope="${quoted(scope)}"`;
  }
  return new Response(null, {
    status: STATUS[verdict] ?? 401,
    headers: { "www-authenticate": challenge, "cache-control": "no-store" },
  });
}

/** quoted escapes s for a quoted-string: '"' and '\' escaped, controls dropped. */
function quoted(s) {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, "").replace(/["\\]/g, "\\$&");
}

function unavailable() {
  return new Response("authorization unavailable\n", { status: 503, headers: { "retry-after": "1" } });
}

/** forward sends an allowed request on with the claims in X-Auth-* headers. */
async function forward(request, upstream, target, [subject, clientID, scope]) {
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith(AUTH_PREFIX)) headers.delete(name);
  }
  headers.set("x-auth-subject", subject);
  headers.set("x-auth-client-id", clientID);
  headers.set("x-auth-scope", scope);
  const url = upstream ? upstream + target : request.url;
  try {
    // GET and HEAD carry no body (a client's "Content-Length: 0" leaves an
    // empty stream that fetch refuses for them).
    const body = request.method === "GET" || request.method === "HEAD" ? null : request.body;
    return await fetch(url, { method: request.method, headers, body, redirect: "manual" });
  } catch (err) {
    console.error(`tollgate: upstream ${upstream || "origin"}: ${err && err.message}`);
    return new Response("bad gateway\n", { status: 502 });
  }
}
