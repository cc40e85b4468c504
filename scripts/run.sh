#!/usr/bin/env bash
# make run: start the issuer on the embedded store under $DATA, creating a demo
# client on first start, and print commands that get a token.
set -euo pipefail
: "${ADDR:=127.0.0.1:9000}" "${DATA:=./data}" "${BIN:=./bin}"
mkdir -p "$DATA"
db="$DATA/issuer.db"
demo="$DATA/demo-client.json"

# The key-encryption key lives beside the db (issuer.kek, 0600) unless
# TOLLGATE_KEK is set; the issuer creates it on first start.
if [ ! -s "$demo" ]; then
  "$BIN/issuer" client add --db "$db" --name demo --grant client_credentials \
    --scope "read write" --json > "$demo.tmp"
  mv "$demo.tmp" "$demo"
fi
id=$(sed -n 's/.*"client_id": *"\([^"]*\)".*/\1/p' "$demo")
secret=$(sed -n 's/.*"client_secret": *"\([^"]*\)".*/\1/p' "$demo")

cat <<MSG

Tollgate issuer on http://$ADDR/o  (data: $DATA, Ctrl-C stops it)

  # a client_credentials token for the demo client
  curl -s -u '$id:$secret' -d grant_type=client_credentials -d scope=read http://$ADDR/o/token/

  # discovery and keys
  curl -s http://$ADDR/o/.well-known/openid-configuration
  curl -s http://$ADDR/o/.well-known/jwks.json

  # admin commands work while it runs (over $db.sock)
  $BIN/issuer client list --db $db
  $BIN/issuer keys list --db $db

MSG
exec "$BIN/issuer" serve --addr "$ADDR" --db "$db" --audience api
