#!/usr/bin/env bash
# make run: the issuer on the embedded store under $DATA, `edge proxy` in
# front of a small demo API, a demo client on first start, and a working
# sequence of commands. Ctrl-C stops all three.
set -euo pipefail
: "${ADDR:=127.0.0.1:9000}" "${DATA:=./data}" "${BIN:=./bin}"
: "${EDGE:=127.0.0.1:8080}" "${API:=127.0.0.1:8081}" "${EDGE_ADMIN:=127.0.0.1:9901}" "${ISSUER_ADMIN:=127.0.0.1:9001}"
mkdir -p "$DATA"
umask 077 # demo-client.json holds the demo client's secret
db="$DATA/issuer.db"
demo="$DATA/demo-client.json"
iss="http://$ADDR/o"

# The key-encryption key lives beside the db (issuer.kek, 0600) unless
# TOLLGATE_KEK is set; the first command on a new db creates it.
if [ ! -s "$demo" ]; then
  "$BIN/issuer" client add --db "$db" --name demo --grant client_credentials \
    --scope "read write" --audience api --json > "$demo.tmp"
  mv "$demo.tmp" "$demo"
fi
chmod 600 "$demo" # also when an older run left it readable
id=$(sed -n 's/.*"client_id": *"\([^"]*\)".*/\1/p' "$demo")
secret=$(sed -n 's/.*"client_secret": *"\([^"]*\)".*/\1/p' "$demo")

# The edge policy: tokens for audience "api" with scope "read"; POST under
# /admin/ also needs "admin", which the demo client does not have.
policy="$DATA/policy.json"
cat > "$policy" <<JSON
{
  "issuer": "$iss",
  "audiences": ["api"],
  "scopes": ["read"],
  "jwks_url": "$iss/.well-known/jwks.json",
  "revocations_url": "$iss/revoked",
  "refresh_seconds": 60,
  "routes": [{"method": "POST", "path": "/admin/*", "scopes": ["admin"]}]
}
JSON

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BIN/issuer" serve --addr "$ADDR" --db "$db" --audience api --admin-listen "$ISSUER_ADMIN" & pids+=($!)
for _ in $(seq 100); do curl -sf "http://$ISSUER_ADMIN/healthz" >/dev/null && break; sleep 0.1; done
"$BIN/demoapi" --listen "$API" & pids+=($!)
"$BIN/edge" proxy --listen "$EDGE" --upstream "http://$API" --policy "$policy" --admin-listen "$EDGE_ADMIN" & pids+=($!)
for _ in $(seq 100); do curl -sf "http://$EDGE_ADMIN/healthz" >/dev/null && break; sleep 0.1; done

cat <<MSG

Tollgate is running (data: $DATA; Ctrl-C stops it):
  issuer      $iss   (metrics: http://$ISSUER_ADMIN/metrics)
  edge proxy  http://$EDGE  ->  demo API http://$API   (metrics: http://$EDGE_ADMIN/metrics)

  # 1. get a token for the demo client
  TOKEN=\$(curl -s -u '$id:$secret' -d grant_type=client_credentials -d scope=read \\
    $iss/token/ | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')

  # 2. call the API through the edge: 200, with the X-Auth-* identity forwarded
  curl -i -H "Authorization: Bearer \$TOKEN" http://$EDGE/hello

  # 3. without a token: 401 and WWW-Authenticate: Bearer realm=...
  curl -i http://$EDGE/hello

  # 4. a route needing a scope the token lacks: 403 insufficient_scope
  curl -i -X POST -H "Authorization: Bearer \$TOKEN" http://$EDGE/admin/users

  # admin commands work while the issuer runs (through $db.sock)
  $BIN/issuer client list --db $db
  $BIN/issuer keys list --db $db

MSG
wait -n "${pids[@]}"
