#!/bin/sh
# Boots a COPY of a built image under qemu-system-aarch64 and uses it as a person would (root, minutes):
#   image/boot-test.sh IMG [--gpio sim|pl061|none] [--keep DIR]
# The copy (never the image itself) gets, with debugfs -w, what only a test needs:
#   - a root shell on a virtio console (/dev/hvc0, a unix socket on this side; the serial console stays the Pi's)
#   - gpio-sim (when the image's kernel has it): a oneshot before edgemail.service makes a 54-line chip labelled
#     pinctrl-bcm2711 (as the Pi 4's) and points the LibGpiod driver at it (EDGEMAIL_Device__Gpio__Chip);
#   - else the virt machine's own PL061 GPIO chip (8 lines, gpiochip0): the LEDs move to its lines 4 and 5 and the
#     button to line 6 (EDGEMAIL_Device__* in a drop-in), so the real LibGpiod driver and libgpiod.so.2 drive real
#     kernel GPIO lines; nothing can press a PL061 button from outside, so pairing opens with 'edgemail pair'
# Then: the image's own kernel and initrd (read from its boot partition with mcopy), the copy as the virtio disk
# grown to 4 GiB (first boot grows the root to it), user-mode networking with restrict=on and only the mail and
# web ports forwarded to 127.0.0.1; wait until IMAPS answers, hold the simulated button 3 s, pair over HTTPS,
# log in over IMAPS with the app password, deliver a message over SMTP and read the mail LED's line.
# Prints each step's time; exits 1 at the first failure (the console log is kept and named).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: boot-test.sh IMG [--gpio sim|pl061|none] [--keep DIR]" >&2; exit 2; }
img=${1:-}
[ -n "$img" ] || usage
shift
gpio=auto
keep=
while [ $# -gt 0 ]; do
    case $1 in
        --gpio) [ $# -ge 2 ] || usage; gpio=$2; shift 2 ;;
        --keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
        *) usage ;;
    esac
done
case $gpio in auto|sim|pl061|none) ;; *) usage ;; esac
[ "$(id -u)" = 0 ] || { echo "boot-test: must run as root" >&2; exit 2; }
[ -f "$img" ] || { echo "boot-test: $img does not exist" >&2; exit 2; }
for tool in qemu-system-aarch64 sfdisk mcopy debugfs python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "boot-test: $tool is missing (apt-get install qemu-system-arm fdisk mtools e2fsprogs python3)" >&2; exit 2; }
done

if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else work=$(mktemp -d /var/tmp/edgemail-boot.XXXXXX); fi
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
    [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s)
echo "-- copy of $img"
copy=$work/test-copy.img
cp --sparse=always "$img" "$copy"
truncate -s 4G "$copy"

eval "$(sfdisk -J "$copy" | python3 -c '
import json, sys
p = json.load(sys.stdin)["partitiontable"]["partitions"]
print("boot_off=%d root_off=%d" % (p[0]["start"] * 512, p[1]["start"] * 512))')"
export MTOOLS_SKIP_CHECK=1
kernel=$(mdir -i "$copy@@$boot_off" -b :: | sed -n 's,^::/\(vmlinuz-.*\),\1,p' | head -n1)
initrd=$(mdir -i "$copy@@$boot_off" -b :: | sed -n 's,^::/\(initrd.img-.*\),\1,p' | head -n1)
mcopy -n -i "$copy@@$boot_off" "::$kernel" "$work/vmlinuz"
mcopy -n -i "$copy@@$boot_off" "::$initrd" "$work/initrd"
echo "image's own kernel $kernel, initrd $initrd"
kver=${kernel#vmlinuz-}
if debugfs -R "ls -l /usr/lib/modules/$kver/kernel/drivers/gpio" "$copy?offset=$root_off" 2>/dev/null | grep -q 'gpio-sim\.ko'; then
    has_sim=yes
else
    has_sim=no
fi
case $gpio:$has_sim in
    auto:yes) gpio=sim ;;
    auto:no)
        echo "gpio-sim: kernel $kver does not build it (CONFIG_GPIO_SIM is not set in its config): the LEDs go to the virt machine's PL061 chip and the pairing window is opened with 'edgemail pair' on the test shell"
        gpio=pl061 ;;
    sim:no) echo "boot-test: --gpio sim, but kernel $kver has no gpio-sim module" >&2; exit 2 ;;
esac
gpio_sim=no
[ "$gpio" = sim ] && gpio_sim=yes

# --- what only the test copy gets -------------------------------------------------------------------------------------
f=$work/files
mkdir -p "$f"
cat > "$f/shell.service" <<'EOF'
[Unit]
Description=Test copy only: a root shell on the virtio console
[Service]
ExecStartPre=/bin/sh -c 'modprobe virtio_console; n=0; while [ ! -e /dev/hvc0 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done'
# Raw and without echo, read through a pipe: a shell that is not interactive prints no prompt, so that what comes
# back is only the commands' output and the exit-code marker boot-test.py waits for.
# (stty on the open console itself: hvc resets its settings when the last opener closes it.)
ExecStart=/bin/sh -c 'exec </dev/hvc0 >/dev/hvc0 2>&1; stty raw -echo; cat | /bin/sh'
Restart=always
[Install]
WantedBy=multi-user.target
EOF
cat > "$f/gpio-sim.service" <<'EOF'
[Unit]
Description=Test copy only: a gpio-sim chip labelled like the Pi's, for edgemail's LibGpiod driver
Before=edgemail.service
After=sys-kernel-config.mount systemd-udevd.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/edgemail-test-gpio-sim
EOF
cat > "$f/gpio-sim" <<'EOF'
#!/bin/sh
# A 54-line chip like the BCM2711's; the button line (22) starts released (pulled up, as the Pi's gpio= line does).
set -eu
modprobe gpio-sim
mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
d=/sys/kernel/config/gpio-sim/edgemail
mkdir -p "$d/gpio-bank0"
echo 54 > "$d/gpio-bank0/num_lines"
echo pinctrl-bcm2711 > "$d/gpio-bank0/label"
echo 1 > "$d/live"
chip=$(cat "$d/gpio-bank0/chip_name")
dev=$(cat "$d/dev_name")
echo pull-up > "/sys/devices/platform/$dev/$chip/sim_gpio22/pull"
udevadm settle || true
mkdir -p /run/edgemail-test
echo "EDGEMAIL_Device__Gpio__Chip=${chip#gpiochip}" > /run/edgemail-test/gpio.env
echo "/sys/devices/platform/$dev/$chip" > /run/edgemail-test/sim-path
EOF
cat > "$f/gpio-sim.conf" <<'EOF'
# Test copy only: the LibGpiod driver opens the gpio-sim chip.
[Service]
EnvironmentFile=-/run/edgemail-test/gpio.env
DeviceAllow=char-gpiochip rw
EOF
cat > "$f/pl061.conf" <<'EOF'
# Test copy only: the LEDs and the button on the virt machine's PL061 (gpiochip0, lines 0-7; line 3 is its power key).
# The button has no pull-up there and nothing presses it: pressed = high, and the line stays low.
[Service]
Environment=EDGEMAIL_Device__Gpio__Chip=0 EDGEMAIL_Device__MailLed__Pin=4 EDGEMAIL_Device__StatusLed__Pin=5
Environment=EDGEMAIL_Device__Button__Pin=6 EDGEMAIL_Device__Button__PullUp=false
EOF
{
    echo "cd /etc/systemd/system"
    echo "write $f/shell.service edgemail-test-shell.service"
    echo "cd /etc/systemd/system/multi-user.target.wants"
    echo "symlink edgemail-test-shell.service /etc/systemd/system/edgemail-test-shell.service"
    echo "cd /etc/systemd/system"
    # systemd's getty generator starts a login prompt on hvc0 by itself, which would read half of what the test
    # shell is sent (root is locked, so it only eats characters): not on the test copy's virtio console.
    echo "symlink serial-getty@hvc0.service /dev/null"
    echo "mkdir edgemail.service.d"
    echo "cd /etc/systemd/system/edgemail.service.d"
    if [ "$gpio_sim" = yes ]; then
        echo "cd /etc/systemd/system"
        echo "write $f/gpio-sim.service edgemail-test-gpio-sim.service"
        echo "mkdir edgemail.service.wants"
        echo "cd /etc/systemd/system/edgemail.service.d"
        echo "write $f/gpio-sim.conf test-gpio-sim.conf"
        echo "cd /etc/systemd/system/edgemail.service.wants"
        echo "symlink edgemail-test-gpio-sim.service /etc/systemd/system/edgemail-test-gpio-sim.service"
        echo "mkdir /usr/local/sbin"
        echo "cd /usr/local/sbin"
        echo "write $f/gpio-sim edgemail-test-gpio-sim"
        echo "set_inode_field edgemail-test-gpio-sim mode 0100755"
    elif [ "$gpio" = pl061 ]; then
        echo "cd /etc/systemd/system/edgemail.service.d"
        echo "write $f/pl061.conf test-pl061.conf"
    fi
} > "$f/debugfs.cmds"
debugfs -w -f "$f/debugfs.cmds" "$copy?offset=$root_off" >/dev/null 2>"$f/debugfs.err"
if grep -v '^debugfs' "$f/debugfs.err" | grep -q .; then cat "$f/debugfs.err" >&2; echo "boot-test: debugfs -w failed" >&2; exit 1; fi
echo "test copy prepared ($(( $(date +%s) - t0 ))s): shell on hvc0, GPIO: $gpio"

# --- boot ---------------------------------------------------------------------------------------------------------------
ports=$(python3 -c '
import socket
s = []
for _ in range(5):
    k = socket.socket(); k.bind(("127.0.0.1", 0)); s.append(k)
print(" ".join(str(k.getsockname()[1]) for k in s))')
set -- $ports
imaps=$1 https=$2 http=$3 smtp=$4 submission=$5
console=$work/console.log
shell_sock=$work/shell.sock
qemu-system-aarch64 -M virt -cpu cortex-a72 -m 1024 -smp 2 -display none -monitor none -no-reboot \
    -kernel "$work/vmlinuz" -initrd "$work/initrd" \
    -append "root=LABEL=RASPIROOT rw rootwait console=ttyAMA0 net.ifnames=0 fsck.repair=yes" \
    -drive "file=$copy,format=raw,if=virtio" \
    -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$imaps-:993,hostfwd=tcp:127.0.0.1:$https-:443,hostfwd=tcp:127.0.0.1:$http-:80,hostfwd=tcp:127.0.0.1:$smtp-:25,hostfwd=tcp:127.0.0.1:$submission-:587" \
    -device virtio-net-pci,netdev=net0 \
    -device virtio-serial-device -chardev "socket,id=shell,path=$shell_sock,server=on,wait=off" \
    -device virtconsole,chardev=shell \
    -serial "file:$console" </dev/null &
qemu_pid=$!
echo "qemu-system-aarch64 started (pid $qemu_pid); console: $console; IMAPS 127.0.0.1:$imaps, HTTPS :$https, SMTP :$smtp"

EDGEMAIL_TEST_GPIO=$gpio python3 "$here/boot-test.py" --console "$console" --shell "$shell_sock" \
    --imaps "$imaps" --https "$https" --http "$http" --smtp "$smtp" --qemu-pid "$qemu_pid" || {
    echo "boot-test: failed; last console lines:" >&2
    tail -n 25 "$console" >&2
    [ -n "$keep" ] || cp "$console" /var/tmp/edgemail-boot-console.log && echo "console log: /var/tmp/edgemail-boot-console.log" >&2
    exit 1
}
echo "boot test passed in $(( $(date +%s) - t0 ))s"
