# TLS between nodes (issue 13): certificates made here with openssl (a CA,
# node certificates it signs, and a second CA with a rogue certificate).
# Bad TLS options exit 2 naming the file; a coordinator and a node with
# --tls-cert/--tls-key/--tls-ca run a job whose alerts are the oracle's;
# meanwhile the coordinator's port refuses (and names once) a client without
# a certificate, one whose certificate another CA signed, and a node without
# TLS; openssl s_client with a good certificate completes a TLS handshake
# there (the port speaks TLS, verified against the CA). A TLS node is
# refused by a coordinator without TLS, which names what it got.
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/kafka_common.sh"
source "$(dirname "$0")/cluster_common.sh"

command -v openssl >/dev/null || fail "openssl is not installed"
pki="$TMP/pki"
mkdir -p "$pki"
# ca NAME: a self-signed CA.
ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=test CA $1" \
    -keyout "$pki/$1.key" -out "$pki/$1.pem" 2>"$pki/openssl.err" \
    || fail "openssl: $(cat "$pki/openssl.err")"
}
# cert NAME CA: a key and a certificate CA signs.
cert() {
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$pki/$1.key" \
    -out "$pki/$1.csr" 2>"$pki/openssl.err" \
    && openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" \
      -CAcreateserial -days 2 -out "$pki/$1.pem" 2>"$pki/openssl.err" \
    || fail "openssl: $(cat "$pki/openssl.err")"
}
ca ca
ca other
cert c ca
cert a1 ca
cert rogue other
tls() { echo --tls-cert "$pki/$1.pem" --tls-key "$pki/$1.key" --tls-ca "$pki/ca.pem"; }

# --- bad options: exit 2, one line naming what is wrong -----------------
# bad_option WANT ARGS...
bad_option() {
  local want=$1 rc=0
  shift
  cw node --role aggregator --node-id x --listen 127.0.0.1:0 --advertise 127.0.0.1:1 \
    --join 127.0.0.1:1 "$@" >/dev/null 2>"$TMP/bad.err" || rc=$?
  [[ $rc == 2 ]] || fail "$* exited $rc (want 2): $(cat "$TMP/bad.err")"
  grep -qF -- "$want" "$TMP/bad.err" || fail "$*: no '$want' in: $(cat "$TMP/bad.err")"
  [[ $(wc -l <"$TMP/bad.err") -le 2 ]] || fail "$*: more than a line: $(cat "$TMP/bad.err")"
}
bad_option "go together" --tls-cert "$pki/a1.pem"
bad_option "$pki/missing.pem: No such file" --tls-cert "$pki/missing.pem" \
  --tls-key "$pki/a1.key" --tls-ca "$pki/ca.pem"
bad_option "does not belong to --tls-cert" --tls-cert "$pki/a1.pem" \
  --tls-key "$pki/c.key" --tls-ca "$pki/ca.pem"
bad_option "is not valid under --tls-ca" --tls-cert "$pki/rogue.pem" \
  --tls-key "$pki/rogue.key" --tls-ca "$pki/ca.pem"
bad_option "no CA certificate" --tls-cert "$pki/a1.pem" --tls-key "$pki/a1.key" \
  --tls-ca "$pki/a1.key"

# --- a TLS cluster ------------------------------------------------------------
small_job 43
port=$(free_port)
# shellcheck disable=SC2046
node c --role coordinator --node-id c --listen "127.0.0.1:$port" \
  --expect-nodes 1 --node-timeout 1s --input "$TMP/in.jsonl" \
  --output jsonl --output-file "$TMP/alerts.jsonl" $(tls c)
await_line c "waiting for 1 nodes"

# s_client NAME ARGS...: a TLS handshake with the coordinator's port; its
# output in $TMP/NAME.tls.
s_client() {
  local name=$1
  shift
  timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$pki/ca.pem" \
    -verify_return_error "$@" </dev/null >"$TMP/$name.tls" 2>&1 || true
}
s_client good -cert "$pki/a1.pem" -key "$pki/a1.key"
grep -q "Verify return code: 0 (ok)" "$TMP/good.tls" \
  || fail "no TLS handshake with a good certificate: $(tail -5 "$TMP/good.tls")"
s_client nocert
s_client rogue -cert "$pki/rogue.pem" -key "$pki/rogue.key"
# A node without TLS cannot join (exit 1), and is told why it may be.
node plain --role aggregator --node-id plain --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$port" --node-timeout 1s --join-timeout 3s
expect_rc plain 1 30
grep -q "do both nodes use TLS" "$TMP/plain.err" \
  || fail "the plain node is not told about TLS: $(cat "$TMP/plain.err")"

# shellcheck disable=SC2046
node a1 --role aggregator --node-id a1 --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$port" --node-timeout 1s $(tls a1)
expect_rc c 0 120
expect_rc a1 0 20
same_file "$TMP/expected.jsonl" "$TMP/alerts.jsonl" "alerts of the TLS cluster"

for what in "peer did not return a certificate" "certificate verify failed" \
  "a peer without --tls-cert?"; do
  n=$(grep -cF -- "$what" "$TMP/c.err" || true)
  [[ $n == 1 ]] || fail "'$what' logged $n times (want 1): $(cat "$TMP/c.err")"
done

# --- a TLS node and a coordinator without TLS ---------------------------------
port=$(free_port)
node p --role coordinator --node-id p --listen "127.0.0.1:$port" \
  --expect-nodes 1 --node-timeout 1s --input "$TMP/in.jsonl" \
  --output jsonl --output-file "$TMP/p.alerts"
await_line p "waiting for 1 nodes"
# shellcheck disable=SC2046
node t --role aggregator --node-id t --listen "127.0.0.1:$(free_port)" \
  --join "127.0.0.1:$port" --node-timeout 1s --join-timeout 3s $(tls a1)
expect_rc t 1 30
grep -q "sent a TLS handshake, not CAF's BASP" "$TMP/p.err" \
  || fail "the plain coordinator does not name the TLS client: $(cat "$TMP/p.err")"
grep -q "TLS handshake failed" "$TMP/t.err" \
  || fail "the TLS node does not say its handshake failed: $(cat "$TMP/t.err")"
kill "${NODE_PID[p]}" 2>/dev/null || true
note "TLS cluster matches the oracle; clients without or with foreign certificates refused"
