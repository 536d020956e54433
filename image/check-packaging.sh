#!/usr/bin/env bash
# The packaging checks that CI runs after the publish step (root; a few minutes):
#   image/check-packaging.sh [PUBLISH_ROOT]
# PUBLISH_ROOT holds linux-x64/ and linux-arm64/ from `dotnet publish src/EdgeMail -c Release -r RID -o
# PUBLISH_ROOT/RID` (default artifacts/publish; a missing one is published by build-deb.sh).
#  1. the configuration files: edgemail.json through the binary's own validation, the Avahi file against
#     avahi's DTD and the JSON's ports, every raspi-firmware-custom line against an allow-list and the JSON's pins;
#  2. the unit: the binary runs under MemoryDenyWriteExecute (prctl PR_SET_MDWE), the offline security score;
#  3. the .deb for arm64 and amd64, and lintian over both (no errors);
#  4. the amd64 .deb in a fresh Debian root (mmdebstrap minbase, chroot mode, nothing cached): installed with
#     dpkg -i, then the user and the group, --version, the configuration check, the unit enabled and verified
#     with systemd-analyze --root, an account and a delivered message, dpkg -r keeps them, dpkg -P removes
#     /etc/edgemail and keeps /var/lib/edgemail.
# SUITE (default trixie) and MIRROR choose the scratch root's Debian. Each step prints how long it took.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
publish_root=${1:-$repo/artifacts/publish}
suite=${SUITE:-trixie}
mirror=${MIRROR:-http://deb.debian.org/debian}
config=$repo/firmware-config/edgemail.json
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)

fail() { echo "check-packaging: $*" >&2; exit 1; }
for tool in xmllint python3 lintian mmdebstrap systemd-analyze dpkg-deb fakeroot; do
    command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install libxml2-utils python3 lintian mmdebstrap systemd dpkg-dev fakeroot)"
done
[ "$(id -u)" -eq 0 ] || fail "run as root (mmdebstrap's chroot mode and dpkg inside the scratch root)"

step_started=0
step_name=
step() {
    step_done
    step_name=$1
    step_started=$(date +%s%N)
    echo "== $step_name"
}
step_done() {
    if [ -n "$step_name" ]; then
        printf '   %s: %d.%01d s\n' "$step_name" $(( ($(date +%s%N) - step_started) / 1000000000 )) $(( ($(date +%s%N) - step_started) / 100000000 % 10 ))
    fi
    step_name=
}
all_started=$(date +%s)

scratch=$(mktemp -d)
# Open to traversal: the host's binary, run as root on the scratch root's data folder, acts as its owner.
chmod 0755 "$scratch"
root=$scratch/root
serve_pid=
cleanup() {
    [ -z "$serve_pid" ] || kill "$serve_pid" 2>/dev/null || true
    if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# JSON lookups in the configuration file (.NET's configuration keys are case-insensitive; ours are as written).
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [d := d[k] for k in sys.argv[2].split(":")]; print(d)' "$config" "$1"; }

# ---------------------------------------------------------------------------------------------------------
step "publish (linux-x64, linux-arm64) unless given"
for rid in linux-x64 linux-arm64; do
    if [ ! -x "$publish_root/$rid/edgemail" ]; then
        dotnet publish "$repo/src/EdgeMail" -c Release -r "$rid" -o "$publish_root/$rid" >/dev/null
    fi
done
host_bin=$publish_root/linux-x64/edgemail
[ "$("$host_bin" --version)" = "$version" ] || fail "edgemail --version says '$("$host_bin" --version)', the project says $version"

step "edgemail.json through the binary's validation"
check_data=$scratch/check-data
mkdir -p "$check_data"
"$host_bin" serve --config "$config" --data "$check_data" --check
echo "   $config: valid"

step "Avahi service file: well-formed, valid against avahi-service.dtd, ports as in edgemail.json"
avahi=$repo/firmware-config/edgemail.avahi.service
if [ -r /usr/share/avahi/avahi-service.dtd ]; then
    xmllint --noout --nonet --path /usr/share/avahi --valid "$avahi"
else
    echo "   /usr/share/avahi/avahi-service.dtd missing (apt-get install avahi-daemon): well-formedness only"
    xmllint --noout --nonet "$avahi"
fi
python3 - "$avahi" "$config" <<'PY'
import json, sys, xml.etree.ElementTree as ET
services = {s.findtext("type"): int(s.findtext("port")) for s in ET.parse(sys.argv[1]).getroot().iter("service")}
c = json.load(open(sys.argv[2]))
want = {"_imap._tcp": c["Imap"]["Port"], "_imaps._tcp": c["Imap"]["TlsPort"], "_pop3s._tcp": c["Pop3"]["TlsPort"],
        "_submission._tcp": c["Smtp"]["SubmissionPort"], "_submissions._tcp": c["Smtp"]["TlsPort"],
        "_http._tcp": c["Web"]["Port"]}
assert services == want, f"Avahi announces {services}, edgemail.json listens on {want}"
print("   announced:", " ".join(f"{k}={v}" for k, v in services.items()))
PY

step "raspi-firmware-custom: every line known and commented, pins as in edgemail.json"
python3 - "$repo/firmware-config/raspi-firmware-custom" "$config" <<'PY'
import json, re, sys
c = json.load(open(sys.argv[2]))["Device"]
# The forms this appliance uses (config.txt's gpio= and the ACT LED's dtparam), nothing else.
known = [
    (re.compile(r"gpio=(\d+)=op,dl"), "output low"),
    (re.compile(r"gpio=(\d+)=ip,pu"), "input pull-up"),
    (re.compile(r"dtparam=act_led_trigger=(none|heartbeat|mmc0|default-on|timer|cpu0)"), "ACT trigger"),
]
seen, comment_before = {}, False
for number, line in enumerate(open(sys.argv[1]).read().splitlines(), 1):
    if line == "" or line.startswith("#"):
        comment_before = line.startswith("#")
        continue
    for pattern, kind in known:
        m = pattern.fullmatch(line)
        if m:
            break
    else:
        sys.exit(f"raspi-firmware-custom:{number}: '{line}' is not a known line")
    if not comment_before:
        sys.exit(f"raspi-firmware-custom:{number}: '{line}' has no comment above it")
    seen.setdefault(kind, []).append(m.group(1))
    comment_before = False
outputs = sorted(int(p) for p in seen.get("output low", []))
inputs = [int(p) for p in seen.get("input pull-up", [])]
assert outputs == sorted([c["MailLed"]["Pin"], c["StatusLed"]["Pin"]]), f"LED pins {outputs} vs edgemail.json"
assert inputs == [c["Button"]["Pin"]] and c["Button"]["PullUp"], f"button pins {inputs} vs edgemail.json"
print("   LEDs (output, low):", outputs, " button (input, pull-up):", inputs, " ACT trigger:", seen.get("ACT trigger"))
PY

step "the Native AOT binary serves under MemoryDenyWriteExecute (prctl PR_SET_MDWE)"
# systemd's MemoryDenyWriteExecute= refuses writable+executable mappings and making a mapping executable, as
# prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) does (Linux 6.3+), kept across execve. The host's linux-x64 build
# stands in for arm64's: the same ahead-of-time code, no JIT (qemu-user would be the one refused, it has a JIT).
cat > "$scratch/mdwe" <<'PY'
#!/usr/bin/env python3
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_MDWE, PR_GET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 66, 1
if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
    sys.exit(f"mdwe: prctl(PR_SET_MDWE) failed: {os.strerror(ctypes.get_errno())} (needs Linux 6.3 or later)")
assert libc.prctl(PR_GET_MDWE, 0, 0, 0, 0) == PR_MDWE_REFUSE_EXEC_GAIN
os.execvp(sys.argv[1], sys.argv[1:])
PY
chmod +x "$scratch/mdwe"
# The control: under the wrapper a writable and executable mapping is refused, so the wrapper is in force.
if "$scratch/mdwe" python3 -c 'import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)' 2>/dev/null; then
    fail "a W+X mapping was allowed under PR_SET_MDWE: the check would prove nothing"
fi
mdwe_data=$scratch/mdwe-data
mkdir -p "$mdwe_data"
echo 'mdwe-check-password' | "$scratch/mdwe" "$host_bin" user add mdwe@edgemail.local --password-stdin --data "$mdwe_data" >/dev/null
imaps=$(free_port); web=$(free_port)
"$scratch/mdwe" "$host_bin" serve --data "$mdwe_data" --Network:Bind=127.0.0.1 --Imap:Port=0 --Imap:TlsPort="$imaps" \
    --Pop3:Port=0 --Pop3:TlsPort=0 --Smtp:Port=0 --Smtp:SubmissionPort=0 --Smtp:TlsPort=0 --Web:Port="$web" --Web:TlsPort=0 \
    --Device:Gpio:Driver=Virtual --Device:MailLed:Pin=17 --Device:StatusLed:Pin=27 --Device:Button:Pin=22 >"$scratch/mdwe.log" 2>&1 &
serve_pid=$!
deadline=$(( $(date +%s) + 60 ))
until grep -q 'EdgeMail serving' "$scratch/mdwe.log"; do
    kill -0 "$serve_pid" 2>/dev/null || { cat "$scratch/mdwe.log"; fail "serve exited under PR_SET_MDWE"; }
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$scratch/mdwe.log"; fail "serve did not start within 60 s under PR_SET_MDWE"; }
    sleep 0.1
done
# A TLS handshake and a login over IMAPS, and the web page's status: the code paths past start-up.
python3 - "$imaps" "$web" <<'PY'
import imaplib, json, ssl, sys, urllib.request
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
with imaplib.IMAP4_SSL("127.0.0.1", int(sys.argv[1]), ssl_context=ctx, timeout=30) as imap:
    imap.login("mdwe@edgemail.local", "mdwe-check-password")
    assert imap.select("INBOX")[0] == "OK"
status = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[2]}/api/status", timeout=30))
assert status["accounts"] == 1, status
print("   under PR_SET_MDWE: IMAPS login and SELECT INBOX answered, /api/status answered")
PY
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "serve under PR_SET_MDWE exited with $? on SIGTERM"
serve_pid=

step "unit: offline security score"
score=$(systemd-analyze security --offline=yes "$here/edgemail.service" 2>/dev/null | sed -n 's/.*Overall exposure level for edgemail.service: //p')
echo "   systemd-analyze security --offline=yes: $score"
awk -v s="${score%% *}" 'BEGIN { exit !(s < 2.0) }' || fail "the unit's exposure is $score, above the goal of 2.0"

# ---------------------------------------------------------------------------------------------------------
for arch in arm64 amd64; do
    step "build the $arch .deb"
    rid=$([ "$arch" = amd64 ] && echo linux-x64 || echo linux-arm64)
    deb=$("$here/build-deb.sh" --arch "$arch" "$publish_root/$rid")
    echo "   $deb: $(stat -c %s "$deb") bytes, installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
    echo "   Depends: $(dpkg-deb -f "$deb" Depends)"

    step "lintian over the $arch .deb"
    rc=0
    # (--show-overrides would count the overridden tag as an error again: the override is printed from its file.)
    report=$(lintian --tag-display-limit 0 --fail-on error "$deb" 2>&1) || rc=$?
    echo "$report" | grep -v '^running with root privileges' | sed 's/^/   /' || true
    [ "$rc" -eq 0 ] || fail "lintian reports errors for $deb"
    echo "   no errors; overridden: $(grep -v '^#' "$here/deb/lintian-overrides" | tr '\n' ' ')"
done
deb=$repo/artifacts/deb/edgemail_${version}_amd64.deb

# ---------------------------------------------------------------------------------------------------------
step "fresh Debian $suite amd64 root (mmdebstrap minbase, chroot mode)"
# libssl3t64 (bookworm: libssl3) and adduser are what the package depends on beyond minbase; systemd, so that
# systemd-analyze verify finds the targets the unit names.
ssl=$([ "$suite" = bookworm ] && echo libssl3 || echo libssl3t64)
mmdebstrap --quiet --variant=minbase --mode=root --architectures=amd64 --include="$ssl,adduser,systemd" \
    "$suite" "$root" "$mirror"
mount -t proc proc "$root/proc"

step "dpkg -i the amd64 .deb"
cp "$deb" "$root/tmp/edgemail.deb"
chroot "$root" dpkg -i /tmp/edgemail.deb | sed 's/^/   /'

step "inside: user and group, --version, configuration check, unit enabled and verified"
chroot "$root" getent passwd edgemail | grep -q ':/var/lib/edgemail:/usr/sbin/nologin$' || fail "no edgemail system user"
chroot "$root" getent group gpio >/dev/null || fail "no gpio group"
[ "$(chroot "$root" stat -c %U:%G /var/lib/edgemail)" = edgemail:edgemail ] \
    || fail "/var/lib/edgemail is not owned by edgemail"
[ "$(chroot "$root" edgemail --version)" = "$version" ] || fail "edgemail --version inside is not $version"
chroot "$root" edgemail serve --config /etc/edgemail/edgemail.json --check
[ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/edgemail.service")" = /usr/lib/systemd/system/edgemail.service ] \
    || fail "edgemail.service is not enabled (no multi-user.target.wants link)"
[ -L "$root/etc/avahi/services/edgemail.service" ] || fail "the Avahi service file is not linked into /etc/avahi/services"
# The host's systemd-analyze warns about the newer units of other packages; any word about ours fails.
verify=$(systemd-analyze verify --root="$root" edgemail.service 2>&1) || { echo "$verify"; fail "systemd-analyze verify --root failed"; }
if echo "$verify" | grep -i 'edgemail'; then fail "systemd-analyze verify --root reports on edgemail.service"; fi
chroot "$root" systemd-analyze verify edgemail.service || fail "the root's own systemd-analyze verify failed"
echo "   user $(chroot "$root" id edgemail); $(chroot "$root" edgemail --version); enabled; verify passes (host's $(systemd-analyze --version | sed -n '1s/ (.*//p'), the root's $(chroot "$root" systemd-analyze --version | sed -n '1s/ (.*//p'))"

step "inside: an account and a message delivered through sendmail to the service as the edgemail user"
echo 'scratch-root-password' | chroot "$root" edgemail user add alice@edgemail.local --password-stdin >/dev/null
smtp=$(free_port)
chroot --userspec=edgemail:edgemail "$root" /usr/lib/edgemail/edgemail serve --config /etc/edgemail/edgemail.json \
    --Network:Bind=127.0.0.1 --Imap:Port=0 --Imap:TlsPort=0 --Pop3:Port=0 --Pop3:TlsPort=0 --Smtp:Port="$smtp" \
    --Smtp:SubmissionPort=0 --Smtp:TlsPort=0 --Web:Port=0 --Web:TlsPort=0 --Device:Gpio:Driver=Virtual >"$scratch/serve.log" 2>&1 &
serve_pid=$!
deadline=$(( $(date +%s) + 60 ))
until grep -q 'EdgeMail serving' "$scratch/serve.log"; do
    kill -0 "$serve_pid" 2>/dev/null || { cat "$scratch/serve.log"; fail "serve exited in the scratch root"; }
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$scratch/serve.log"; fail "serve did not start within 60 s in the scratch root"; }
    sleep 0.1
done
marker="kept-by-dpkg-remove-$$-$(date +%s)"
printf 'Subject: %s\n\n%s\n' "$marker" "$marker" | chroot "$root" sendmail --Smtp:Port="$smtp" alice@edgemail.local
kill -TERM "$serve_pid"
wait "$serve_pid" || fail "serve in the scratch root exited with $? on SIGTERM"
serve_pid=
grep -rqs "$marker" "$root/var/lib/edgemail/bodies" || fail "the delivered message is not in /var/lib/edgemail"
echo "   alice@edgemail.local has the message '$marker'"

step "dpkg -r keeps the configuration, the account and the mail"
chroot "$root" dpkg -r edgemail | sed 's/^/   /'
[ ! -e "$root/usr/lib/edgemail/edgemail" ] || fail "dpkg -r left the binary"
[ ! -e "$root/etc/avahi/services/edgemail.service" ] || fail "dpkg -r left the Avahi announcement"
[ -f "$root/etc/edgemail/edgemail.json" ] || fail "dpkg -r removed the configuration"
grep -rqs "$marker" "$root/var/lib/edgemail/bodies" || fail "dpkg -r lost the mail"
"$host_bin" user list --data "$root/var/lib/edgemail" | awk '{print $1}' | grep -qx alice@edgemail.local \
    || fail "dpkg -r lost the account"
echo "   kept: /etc/edgemail/edgemail.json, alice@edgemail.local and her message"

step "dpkg -P removes /etc/edgemail, keeps /var/lib/edgemail and says so"
purge=$(chroot "$root" dpkg -P edgemail </dev/null 2>&1)
echo "$purge" | sed 's/^/   /'
[ ! -e "$root/etc/edgemail" ] || fail "dpkg -P left /etc/edgemail"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/edgemail.service" ] || fail "dpkg -P left the unit enabled"
grep -rqs "$marker" "$root/var/lib/edgemail/bodies" || fail "dpkg -P removed the mail"
echo "$purge" | grep -q 'kept in /var/lib/edgemail' || fail "dpkg -P did not say where the mail is"

step_done
echo "== packaging checks passed in $(( $(date +%s) - all_started )) s"
