#!/bin/sh
# Checks a built SD image without mounting it: image/check-image.sh IMG
#   - the partition table (sfdisk -J): MBR, a FAT32 boot partition and a Linux root partition
#   - the boot partition (mtools): the Pi firmware, config.txt with the lines of raspi-firmware-custom,
#     cmdline.txt with root=LABEL=RASPIROOT, the kernel, the initrd and the Pi 3 / Pi 4 device trees
#   - the root (debugfs -R): edgemail.service and the first-boot unit enabled, /etc/edgemail, fstab by label,
#     root locked, no ssh server or keys
#   - the binary taken from the image answers --version under qemu-aarch64-static with the image's own libraries
# Prints one line per check; exits 1 at the first failure.
set -eu

img=${1:?usage: check-image.sh IMG}
[ -f "$img" ] || { echo "check-image: $img does not exist" >&2; exit 2; }
for tool in sfdisk mdir mtype debugfs python3 qemu-aarch64-static readelf; do
    command -v "$tool" >/dev/null 2>&1 || { echo "check-image: $tool is missing (apt-get install fdisk mtools e2fsprogs python3 qemu-user-static binutils)" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*" >&2; exit 1; }

# --- partition table --------------------------------------------------------------------------------------------
sfdisk -J "$img" > "$tmp/table.json"
set -- $(python3 - "$tmp/table.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["partitiontable"]
p = t["partitions"]
ok = t["label"] == "dos" and len(p) == 2 and p[0]["type"] in ("c", "b") and p[1]["type"] == "83"
print("yes" if ok else "no", p[0]["start"] * 512, p[0]["size"] // 2048, p[1]["start"] * 512, p[1]["size"] // 2048)
PY
)
[ "$1" = yes ] || bad "partition table: want dos with FAT32 (c) and Linux (83): $(cat "$tmp/table.json" | tr -d '\n ')"
boot_off=$2 boot_mib=$3 root_off=$4 root_mib=$5
ok "partition table: dos, 1 FAT32 ${boot_mib} MiB at byte $boot_off, 2 Linux ${root_mib} MiB at byte $root_off"

# --- boot partition -----------------------------------------------------------------------------------------------
boot="$img@@$boot_off"
export MTOOLS_SKIP_CHECK=1
label=$(mlabel -i "$boot" -s :: 2>/dev/null | sed 's/^ *Volume label is *//; s/ *$//')
[ "$label" = RASPIFIRM ] || bad "boot label is '$label', want RASPIFIRM"
mdir -i "$boot" -b :: > "$tmp/boot.list"
for f in bootcode.bin start.elf fixup.dat start4.elf fixup4.dat config.txt cmdline.txt \
    bcm2711-rpi-4-b.dtb bcm2711-rpi-400.dtb bcm2711-rpi-cm4-io.dtb bcm2837-rpi-3-b.dtb bcm2837-rpi-3-b-plus.dtb \
    bcm2837-rpi-zero-2-w.dtb; do
    grep -qi "^::/$f\$" "$tmp/boot.list" || bad "boot partition lacks $f"
done
kernel=$(sed -n 's,^::/\(vmlinuz-.*\),\1,p' "$tmp/boot.list" | head -n1)
initrd=$(sed -n 's,^::/\(initrd.img-.*\),\1,p' "$tmp/boot.list" | head -n1)
[ -n "$kernel" ] || bad "boot partition has no vmlinuz-*"
[ -n "$initrd" ] || bad "boot partition has no initrd.img-*"
ok "boot partition RASPIFIRM: firmware (Pi 3 and Pi 4), $kernel, $initrd, $(grep -c '\.dtb$' "$tmp/boot.list") device trees"

mtype -i "$boot" ::config.txt > "$tmp/config.txt"
mtype -i "$boot" ::cmdline.txt > "$tmp/cmdline.txt"
grep -q "^kernel=$kernel" "$tmp/config.txt" || bad "config.txt does not name $kernel"
grep -q "^initramfs $initrd" "$tmp/config.txt" || bad "config.txt does not name $initrd"
grep -q 'root=LABEL=RASPIROOT' "$tmp/cmdline.txt" || bad "cmdline.txt: $(cat "$tmp/cmdline.txt")"
ok "cmdline.txt: $(tr -s ' ' < "$tmp/cmdline.txt")"

# --- root partition -----------------------------------------------------------------------------------------------
root="$img?offset=$root_off"
rd() { debugfs -R "$1" "$root" 2>/dev/null; }
rlabel=$(dumpe2fs -h "$root" 2>/dev/null | sed -n 's/^Filesystem volume name:[[:space:]]*//p')
[ "$rlabel" = RASPIROOT ] || bad "root label is '$rlabel', want RASPIROOT"

rd "cat /etc/default/raspi-firmware-custom" > "$tmp/custom"
[ -s "$tmp/custom" ] || bad "the root has no /etc/default/raspi-firmware-custom"
n=0
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    grep -qxF -- "$line" "$tmp/config.txt" || bad "config.txt lacks the raspi-firmware-custom line '$line'"
    n=$((n + 1))
done < "$tmp/custom"
[ $n -gt 0 ] || bad "raspi-firmware-custom has no setting"
ok "config.txt carries the $n lines of /etc/default/raspi-firmware-custom"

for unit in edgemail.service edgemail-firstboot.service systemd-networkd.service avahi-daemon.service; do
    rd "stat /etc/systemd/system/multi-user.target.wants/$unit" | grep -q 'Type: symlink' \
        || bad "$unit is not enabled (no multi-user.target.wants link)"
done
ok "enabled: edgemail.service edgemail-firstboot.service systemd-networkd.service avahi-daemon.service"

rd "stat /etc/systemd/system/systemd-firstboot.service" | grep -q 'Fast link dest: "/dev/null"' \
    || bad "systemd-firstboot.service is not masked (it would wait for a key on the console at first boot)"
ok "systemd-firstboot.service masked (no console prompt at first boot)"

rd "cat /etc/edgemail/edgemail.json" > "$tmp/edgemail.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/edgemail.json" 2>/dev/null \
    || bad "/etc/edgemail/edgemail.json is missing or not JSON"
ok "/etc/edgemail/edgemail.json ($(wc -c < "$tmp/edgemail.json") bytes)"

rd "cat /etc/fstab" | grep -q '^LABEL=RASPIROOT[[:space:]]\+/[[:space:]]' || bad "/etc/fstab does not mount LABEL=RASPIROOT on /"
rd "cat /etc/hostname" | grep -qx edgemail || bad "/etc/hostname is not edgemail"
ok "fstab by label, host name edgemail"

rd "cat /etc/shadow" > "$tmp/shadow"
python3 - "$tmp/shadow" <<'PY' || bad "an account has a password (root must be locked, no other login)"
import sys
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split(":")
    if len(f) > 1 and f[1] and f[1][0] not in "!*":
        print("password set for", f[0]); sys.exit(1)
    if f[0] == "root" and not f[1].startswith("!"):
        print("root is not locked:", f[1]); sys.exit(1)
PY
for f in /usr/sbin/sshd /root/.ssh/authorized_keys /etc/ssh/sshd_config; do
    rd "stat $f" | grep -q 'Inode:' && bad "$f is in the image"
done
ok "no password: root locked, no other login, no ssh server, no keys"

# --- the binary under qemu-user, with the image's own dynamic linker and libraries ---------------------------------
mkdir -p "$tmp/sysroot/lib" "$tmp/sysroot/usr/lib/aarch64-linux-gnu"
rd "dump /usr/lib/edgemail/edgemail $tmp/edgemail" >/dev/null
[ -s "$tmp/edgemail" ] || bad "the image has no /usr/lib/edgemail/edgemail"
chmod 0755 "$tmp/edgemail"
interp=$(readelf -l "$tmp/edgemail" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
for lib in $(basename "$interp") $(readelf -d "$tmp/edgemail" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
    rd "dump /usr/lib/aarch64-linux-gnu/$lib $tmp/sysroot/usr/lib/aarch64-linux-gnu/$lib" >/dev/null
    [ -s "$tmp/sysroot/usr/lib/aarch64-linux-gnu/$lib" ] || bad "the image lacks $lib"
done
ln -s ../usr/lib/aarch64-linux-gnu/"$(basename "$interp")" "$tmp/sysroot/lib/$(basename "$interp")"
qemu_version=$(qemu-aarch64-static --version | sed -n 's/^qemu-aarch64 version \([^ ]*\).*/\1/p')
if version=$( (timeout 120 qemu-aarch64-static -L "$tmp/sysroot" "$tmp/edgemail" --version; r=$?; exit $r) 2>"$tmp/qemu.err"); then
    ok "edgemail --version under qemu-aarch64-static $qemu_version with the image's own libraries: $version"
elif [ -e /usr/lib/aarch64-linux-gnu/libc.so.6 ] && [ -e /lib/ld-linux-aarch64.so.1 ] \
        && version=$(timeout 120 qemu-aarch64-static -L / "$tmp/edgemail" --version); then
    # qemu-user before 8 cannot run glibc 2.41 (trixie's): SIGILL with -cpu max, PROT_MTE refused with an older CPU.
    # The binary itself is checked with this machine's arm64 libc then; the boot test runs it on the image's own.
    ok "edgemail --version under qemu-aarch64-static $qemu_version with this machine's arm64 libc: $version (the image's glibc does not run under this qemu-user: $(grep -m1 "^qemu:" "$tmp/qemu.err" || tail -n1 "$tmp/qemu.err"))"
else
    bad "edgemail --version failed under qemu-aarch64-static $qemu_version: $(tail -n1 "$tmp/qemu.err")"
fi
echo "image checked: $img"
