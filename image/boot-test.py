#!/usr/bin/env python3
"""The steps of image/boot-test.sh once the test copy is booting: what a person does with a new box, from the host,
through the forwarded ports only (and the test copy's virtio console for what a person does with a finger)."""
import argparse
import imaplib
import json
import os
import re
import smtplib
import socket
import ssl
import sys
import time
import urllib.request
from email.message import EmailMessage

ap = argparse.ArgumentParser()
for name in ("console", "shell"):
    ap.add_argument("--" + name, required=True)
for name in ("imaps", "https", "http", "smtp", "qemu-pid"):
    ap.add_argument("--" + name, type=int, required=True)
args = ap.parse_args()
# sim: a gpio-sim chip (button held through it); pl061: the LEDs on the virt machine's PL061 lines 4 and 5; none.
gpio_mode = os.environ.get("EDGEMAIL_TEST_GPIO", "none")
gpio_sim = gpio_mode == "sim"
host = "127.0.0.1"
t_start = time.monotonic()
t_step = t_start


def step(what):
    global t_step
    now = time.monotonic()
    print(f"== {what:<58} {now - t_step:7.1f}s  (since power on {now - t_start:7.1f}s)", flush=True)
    t_step = now


def fail(why):
    print(f"FAIL {why}", file=sys.stderr, flush=True)
    sys.exit(1)


def alive():
    try:
        os.kill(args.qemu_pid, 0)
        return True
    except OSError:
        return False


def wait_for(what, probe, deadline_s, interval=2.0):
    """probe() returns a value when done, None to try again; the deadline is a failure, never a pass."""
    end = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < end:
        if not alive():
            fail(f"qemu exited while waiting for {what}")
        try:
            value = probe()
            if value is not None:
                return value
        except Exception as e:  # noqa: BLE001 - the probe's failures are what we wait through
            last = e
        time.sleep(interval)
    fail(f"no {what} after {deadline_s}s (last error: {last})")


def j(obj, *path):
    """Field lookup that ignores case (the web API's JSON is camelCase)."""
    for key in path:
        obj = next(v for k, v in obj.items() if k.lower() == key.lower())
    return obj


class Shell:
    """The test copy's root shell on /dev/hvc0: each command ends with a marker carrying its exit code."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.sock.settimeout(1.0)
        self.buf = b""
        self.n = 0

    def run(self, cmd, timeout=60):
        self.n += 1
        marker = f"__END_{self.n}_"
        # The exit code follows the marker as digits: an echo of the command line itself ("$?") never matches.
        done = re.compile(re.escape(marker).encode() + rb"(\d+)__")
        self.sock.sendall(f"{cmd}; echo {marker}$?__\n".encode())
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            m = done.search(self.buf)
            if m:
                out = self.buf[:m.start()].decode(errors="replace").replace("\r\n", "\n")
                # Should the console echo after all, the echoed command line is not output.
                echoed = f"{cmd}; echo {marker}$?__"
                if out.lstrip().startswith(echoed):
                    out = out.lstrip()[len(echoed):]
                self.buf = self.buf[m.end():]
                return int(m.group(1)), out.strip()
            try:
                data = self.sock.recv(65536)
                if not data:
                    fail("the test shell closed")
                self.buf += data
            except socket.timeout:
                pass
        fail(f"the test shell did not finish '{cmd}' in {timeout}s")

    def check(self, cmd, timeout=60):
        code, out = self.run(cmd, timeout)
        if code != 0:
            fail(f"'{cmd}' exited {code}: {out}")
        return out


def imaps_greeting():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the CA is fetched and checked just after
    with socket.create_connection((host, args.imaps), timeout=10) as raw:
        with ctx.wrap_socket(raw) as tls:
            line = tls.recv(1024).decode(errors="replace")
            return line.strip() if line.startswith("* OK") else None


# --- first boot until IMAPS answers ------------------------------------------------------------------------------------
greeting = wait_for("IMAPS greeting on the forwarded port", imaps_greeting, 30 * 60, interval=3)
step(f"first boot to IMAPS ({greeting[:60]})")

# The CA is public over plain HTTP; with it, the HTTPS and IMAPS certificates verify as edgemail.local.
ca_pem = urllib.request.urlopen(f"http://{host}:{args.http}/ca.pem", timeout=20).read().decode()
if "BEGIN CERTIFICATE" not in ca_pem:
    fail(f"/ca.pem is not a certificate: {ca_pem[:80]}")
ca = ssl.create_default_context(cadata=ca_pem)
with socket.create_connection((host, args.https), timeout=10) as raw:
    with ca.wrap_socket(raw, server_hostname="edgemail.local") as tls:
        peer = tls.getpeercert()
names = [v for k, v in peer.get("subjectAltName", ()) if k in ("DNS", "IP Address")]
step(f"CA from /ca.pem; HTTPS verifies as edgemail.local ({', '.join(names)})")
ca_no_name = ssl.create_default_context(cadata=ca_pem)
ca_no_name.check_hostname = False  # 127.0.0.1 is the forwarded port, not a name in the certificate


def api(path, body=None):
    req = urllib.request.Request(f"https://edgemail.local:{args.https}{path}")
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    # edgemail.local resolves to the forwarded port here: connect to 127.0.0.1, verify the name edgemail.local.
    handler = urllib.request.HTTPSHandler(context=ca)
    opener = urllib.request.build_opener(handler)
    orig = socket.create_connection

    def to_forward(address, *a, **k):
        return orig((host, address[1]) if address[0] == "edgemail.local" else address, *a, **k)

    socket.create_connection = to_forward
    try:
        with opener.open(req, timeout=30) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        fail(f"{path}: HTTP {e.code}: {e.read()[:300]!r}")
    finally:
        socket.create_connection = orig


status = api("/api/status")
step(f"/api/status: status LED {j(status, 'leds', 'status', 'pattern')}, mail LED {j(status, 'leds', 'mail', 'pattern')}")

# --- inside: first boot's work, through the test copy's shell ----------------------------------------------------------
wait_for("the test shell on hvc0", lambda: os.path.exists(args.shell) or None, 120, interval=1)
sh = Shell(args.shell)
sh.run("stty -echo 2>/dev/null; true", timeout=120)
print(sh.check("systemctl is-active edgemail-firstboot.service edgemail.service avahi-daemon.service systemd-networkd.service | tr '\\n' ' '"))
print(sh.check("hostname; df -h --output=source,size / | tail -n1; cat /etc/machine-id; systemctl show -p ActiveEnterTimestampMonotonic --value edgemail.service"))
root_kib = int(sh.check("df -k --output=size / | tail -n1"))
if root_kib < 3 * 1024 * 1024:
    fail(f"first boot did not grow the root file system to the 4 GiB disk ({root_kib} KiB)")
if sh.check("hostname") != "edgemail":
    fail("the host name is not edgemail")
print(sh.check("journalctl -b -u edgemail-firstboot.service --no-pager -o cat | tail -n 4"))
step(f"first boot: root grown to {root_kib // 1024} MiB, host name edgemail, services active")



pl061_base = None


def pl061_lines():
    """offset -> (consumer, direction, level) of gpiochip0's requested lines, from the kernel's own /sys/kernel/debug/gpio."""
    global pl061_base
    text = sh.check("mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug; cat /sys/kernel/debug/gpio")
    lines, base, inside = {}, None, False
    for row in text.splitlines():
        head = re.match(r"^gpiochip(\d+): GPIOs (\d+)-(\d+)", row)
        if head:
            inside = head.group(1) == "0"
            base = int(head.group(2))
            if inside:
                pl061_base = base
            continue
        m = re.match(r"^\s*gpio-(\d+)\s+\((.*?)\|(.*?)\)\s+(in|out)\s+(hi|lo)", row)
        if inside and m:
            lines[int(m.group(1)) - base] = (m.group(3).strip(), m.group(4), m.group(5))
    return lines


sim = None
if gpio_mode == "pl061":
    print(sh.check("gpiodetect"))
    if not re.search(r"^gpiochip0 \[[^]]*pl061\]", sh.check("gpiodetect"), re.M):
        fail("gpiochip0 is not the virt machine's PL061")
    lines = wait_for("edgemail's requests of PL061 lines 4, 5 and 6", lambda: (lambda l: l if all(k in l for k in (4, 5, 6)) else None)(pl061_lines()), 60, interval=1)
    print("  PL061 lines requested: " + ", ".join(f"{k}: {v[0]} {v[1]} {v[2]}" for k, v in sorted(lines.items())))
    if lines[4][1] != "out" or lines[5][1] != "out" or lines[6][1] != "in":
        fail(f"the LEDs are not outputs and the button not an input on the PL061: {lines}")
    # The status LED's "no account yet" double blink (two 150 ms flashes every 1.5 s), seen on its line: sampled in
    # the guest every 50 ms for 3 s, both levels must show.
    seen = sh.check(f"for i in $(seq 60); do sed -n 's/^ *gpio-{pl061_base + 5} .* \\(hi\\|lo\\).*/\\1/p' /sys/kernel/debug/gpio; "
                    "sleep 0.05; done | sort | uniq -c", timeout=60)
    print("  status LED line 5 levels over 3 s: " + " ".join(seen.split()))
    levels = set(re.findall(r"\b(hi|lo)\b", seen))
    pattern = j(api("/api/status"), "leds", "status", "pattern")
    if levels != {"hi", "lo"}:
        fail(f"the status LED's line 5 did not blink (levels seen: {levels}, pattern {pattern})")
    step(f"PL061 gpiochip0 through libgpiod.so.2: mail LED line 4 {lines[4][2]}, status LED line 5 blinking ({pattern})")

if gpio_sim:
    sim = sh.check("cat /run/edgemail-test/sim-path")
    print(sh.check("cat /run/edgemail-test/gpio.env; gpioinfo -c $(basename " + sim + ") 2>/dev/null | grep -E 'line +(17|22|27):' || true"))
    label = sh.check(f"cat {sim}/../../gpio-sim.*/*/label 2>/dev/null || gpiodetect | grep $(basename {sim})")
    print(f"gpio-sim chip {os.path.basename(sim)}: {label}")
    dev = j(api("/api/status"), "leds", "status", "pattern")
    # Hold the button: the line goes low (pressed, against its pull-up) for 3.5 s, then back up.
    sh.check(f"echo pull-down > {sim}/sim_gpio22/pull; sleep 3.5; echo pull-up > {sim}/sim_gpio22/pull", timeout=30)
    opened = wait_for("the pairing window after the 3 s hold",
                      lambda: api("/api/status") if j(api("/api/status"), "pairing", "open") else None, 20, interval=0.5)
    step(f"button held 3.5 s on gpio-sim line 22: pairing window open ({j(opened, 'pairing', 'secondsLeft')} s left)")
else:
    print(sh.check("edgemail pair --config /etc/edgemail/edgemail.json 2>&1 | tail -n 3"))
    wait_for("the pairing window", lambda: True if j(api("/api/status"), "pairing", "open") else None, 20, interval=0.5)
    step("pairing window opened with 'edgemail pair' on the console")

# --- pair, log in, deliver -------------------------------------------------------------------------------------------
account = "owner@edgemail.local"
answer = api("/api/pair", {"account": account, "password": "Qemu-boot-test-7391-secret", "deviceName": "boot test"})
app_password = j(answer, "appPassword")
user = j(answer, "settings", "userName")
step(f"paired over HTTPS: account {j(answer, 'account')} (created {j(answer, 'createdAccount')}), app password of {len(app_password)} characters")

with imaplib.IMAP4_SSL(host, args.imaps, ssl_context=ca_no_name) as imap:
    imap.login(user, app_password)
    typ, data = imap.select("INBOX")
    before = int(data[0])
    step(f"IMAPS login with the app password: INBOX has {before} messages")

    msg = EmailMessage()
    msg["From"] = "friend@example.org"
    msg["To"] = account
    msg["Subject"] = "Hello from the boot test"
    msg.set_content("Delivered over SMTP through the forwarded port.\n")
    with smtplib.SMTP(host, args.smtp, timeout=30) as smtp:
        smtp.send_message(msg)
    step("message delivered over SMTP (port 25)")

    def arrived():
        imap.noop()
        typ, data = imap.select("INBOX")
        return int(data[0]) if int(data[0]) > before else None
    count = wait_for("the message in INBOX", arrived, 60, interval=1)
    typ, data = imap.fetch(str(count), "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subject = data[0][1].decode().strip()
    if "Hello from the boot test" not in subject:
        fail(f"the new message is not ours: {subject}")
    step(f"IMAPS: INBOX has {count} messages, the new one: {subject}")

# The delivery's blink-once passes first; then the LED stays on while the message is unread.
mail_led = wait_for("the mail LED steadily on for the unread message",
                    lambda: (lambda p: p if p == "on" else None)(j(api("/api/status"), "leds", "mail", "pattern")), 30, interval=0.5)
line = "n/a"
if gpio_mode == "pl061":
    seen = sh.check(f"for i in $(seq 20); do sed -n 's/^ *gpio-{pl061_base + 4} .* \\(hi\\|lo\\).*/\\1/p' /sys/kernel/debug/gpio; "
                    "sleep 0.05; done | sort | uniq -c", timeout=60)
    if set(re.findall(r"\b(hi|lo)\b", seen)) != {"hi"}:
        fail(f"the mail LED's PL061 line 4 is not steadily high: {' '.join(seen.split())}")
    line = "PL061 line 4 high in 20 samples over 1 s (" + " ".join(seen.split()) + ")"
elif sim:
    line = wait_for("the mail LED's gpio-sim line 17 high",
                    lambda: (lambda v: v if v == "1" else None)(sh.check(f"cat {sim}/sim_gpio17/value")), 30, interval=0.5)
step(f"mail LED: /api/status leds.mail.pattern = {mail_led}, {line if sim is None else 'gpio-sim line 17 value ' + line}")
sh.run("systemctl poweroff", timeout=10)
print("all steps passed")
