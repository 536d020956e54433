#!/usr/bin/env bash
# Smoke test of the published linux-arm64 Native AOT binary under qemu-user: fresh data folder,
# `user add`, `serve` (with the Virtual GPIO driver and both LEDs wired), the TLS certificate generated,
# `status --json` answers (the device included), a TLS handshake, the web page's /api/status and /ca.crt,
# SIGTERM stops it with exit 0. Prints size, idle RSS and start-to-listening time.
set -euo pipefail
bin_dir=${1:?usage: smoke-arm64.sh PUBLISH_DIR}
qemu=${QEMU:-qemu-aarch64-static}
run() { "$qemu" "$bin_dir/edgemail" "$@"; }
data=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$data" "$log"; [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null || true' EXIT

echo "binary: $(stat -c %s "$bin_dir/edgemail") bytes; $(file -b "$bin_dir/edgemail" | cut -d, -f1-2)"
echo 'smoke-test-password' | run user add smoke@edgemail.local --password-stdin --data "$data"
run user list --data "$data" | awk '{print $1}' | grep -qx 'smoke@edgemail.local'

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
web=$(free_port)
start=$(date +%s%N)
"$qemu" "$bin_dir/edgemail" serve --data "$data" --Imap:Port=0 --Imap:TlsPort="$port" --Pop3:Port=0 --Pop3:TlsPort=0 \
  --Smtp:Port=0 --Smtp:SubmissionPort=0 --Smtp:TlsPort=0 --Web:Port="$web" --Web:TlsPort=0 \
  --Device:Gpio:Driver=Virtual --Device:MailLed:Pin=17 --Device:StatusLed:Pin=27 --Device:Button:Pin=22 >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q 'EdgeMail serving' "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "serve exited early" >&2; exit 1; }
  sleep 0.05
done
grep -q 'EdgeMail serving' "$log" || { cat "$log"; echo "serve did not start" >&2; exit 1; }
echo "start-to-listening under qemu: $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 1
echo "idle RSS under qemu (includes the emulator): $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

test -s "$data/tls/edgemail.crt.pem"
status=$(run status --json --data "$data")
echo "$status" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["accounts"]==1, d; assert d["tlsFingerprintSha256"], d; dev=d["device"]; assert dev["driver"]=="Virtual" and dev["available"], dev; assert dev["statusLed"]["pattern"]=="on" and dev["mailLed"]["pattern"]=="off", dev; print("status fingerprint", d["tlsFingerprintSha256"]); print("device", dev["driver"], "status LED", dev["statusLed"]["pattern"], "mail LED", dev["mailLed"]["pattern"])'
served=$(echo | timeout 20 openssl s_client -connect 127.0.0.1:"$port" 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
expected=$(echo "$status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tlsFingerprintSha256"])')
[ "$served" = "$expected" ] || { echo "TLS fingerprint mismatch: served $served, status $expected" >&2; exit 1; }

# The web page: /api/status answers with the same account count and fingerprint, and /ca.crt is the box's CA.
python3 - "$web" "$expected" <<'PY'
import json, sys, urllib.request
port, fingerprint = sys.argv[1], sys.argv[2]
status = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=30))
assert status["accounts"] == 1, status
assert status["tls"]["serverFingerprintSha256"] == fingerprint, status["tls"]
assert status["tls"]["caFingerprintSha256"], status["tls"]
ca = urllib.request.urlopen(f"http://127.0.0.1:{port}/ca.crt", timeout=30).read()
assert ca[0] == 0x30, "not DER"
print("web page: /api/status", status["health"], "; CA", status["tls"]["caFingerprintSha256"][:23] + "...")
PY

kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
pid=
[ "$rc" -eq 0 ] || { cat "$log"; echo "serve exited with $rc after SIGTERM" >&2; exit 1; }
echo "arm64 smoke test passed"
