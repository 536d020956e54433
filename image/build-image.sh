#!/bin/sh
# Builds the flashable Raspberry Pi SD image (root; no Docker, no loop mounts, no binfmt_misc needed):
#   image/build-image.sh [--deb FILE] [--out DIR] [--suite SUITE] [--mirror URL] [--work DIR] [--keep]
# Steps (each prints its time):
#   1. the .deb (given, or built with image/build-deb.sh --arch arm64)
#   2. probe that the mirror serves SUITE for arm64 with main and non-free-firmware
#   3. mmdebstrap --variant=extract: the Essential:yes packages are unpacked on this machine without running
#      anything of arm64; every other package (kernel, raspi-firmware, systemd, ...) is only downloaded
#   4. an ext4 root (mkfs.ext4 -d) and an empty FAT32 boot file system (mkfs.vfat), as plain files
#   5. second stage in qemu-system-aarch64: the image's own kernel (from the downloaded linux-image package) and a
#      tiny initramfs (busybox-static and the few modules it needs) mount both file systems, chroot into the root
#      and install everything there (dpkg, apt from the downloaded packages), so the kernel hooks of raspi-firmware
#      write kernel, initrd, dtbs, config.txt and cmdline.txt into the FAT file system; then it powers off
#   6. shrink the root, assemble the MBR image (sfdisk + dd), xz -T0, and run image/check-image.sh on it
# Output: DIR/edgemail-SUITE-arm64.img.xz (DIR defaults to artifacts/image), and the .img beside it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=$repo/artifacts/image
deb=
suite=trixie
mirror=
work=
keep=no
boot_mib=256

usage() { echo "usage: $0 [--deb FILE] [--out DIR] [--suite SUITE] [--mirror URL] [--work DIR] [--keep]" >&2; exit 2; }
fail() { echo "build-image: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
        --deb) [ $# -ge 2 ] || usage; deb=$2; shift 2 ;;
        --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
        --suite) [ $# -ge 2 ] || usage; suite=$2; shift 2 ;;
        --mirror) [ $# -ge 2 ] || usage; mirror=$2; shift 2 ;;
        --work) [ $# -ge 2 ] || usage; work=$2; shift 2 ;;
        --keep) keep=yes; shift ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done

[ "$(id -u)" = 0 ] || fail "must run as root (mmdebstrap writes a root file system with its owners)"
for tool in mmdebstrap qemu-system-aarch64 mkfs.ext4 resize2fs e2fsck debugfs mkfs.vfat mcopy sfdisk xz cpio \
    dpkg-deb python3 depmod; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing (apt-get install mmdebstrap qemu-system-arm e2fsprogs dosfstools mtools fdisk xz-utils cpio python3 kmod)"
done

# The mirror this machine's apt uses, unless one is given.
if [ -z "$mirror" ]; then
    mirror=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v -- '-security' | head -n1 | sed -E 's/^URIs:[[:space:]]*//; s/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*$//')
    [ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt; pass --mirror URL"
fi

start_all=$(date +%s)
step_start=$start_all
step() {
    now=$(date +%s)
    [ -n "${step_name:-}" ] && printf '== %-48s %5ss\n' "$step_name" $((now - step_start))
    step_name=$1
    step_start=$now
    echo "-- $1"
}

if [ -z "$work" ]; then
    work=$(mktemp -d /var/tmp/edgemail-image.XXXXXX)
fi
mkdir -p "$work" "$out"
out=$(cd "$out" && pwd)
cleanup() { [ "$keep" = yes ] || rm -rf "$work"; }
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------------------------------
step "the .deb"
if [ -z "$deb" ]; then
    [ -x "$here/build-deb.sh" ] || fail "no --deb FILE given and image/build-deb.sh is missing"
    "$here/build-deb.sh" --arch arm64
    deb=$(ls -t "$repo"/artifacts/deb/edgemail_*_arm64.deb 2>/dev/null | head -n1)
fi
[ -f "$deb" ] || fail "the .deb $deb does not exist"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
[ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || fail "$deb is not an arm64 package"
echo "package: $deb ($(dpkg-deb -f "$deb" Version))"

# ---------------------------------------------------------------------------------------------------------------------
step "probe $suite at $mirror"
# The Release file names the architectures and components that the mirror serves for the suite.
release=$(python3 - "$mirror/dists/$suite/Release" <<'PY'
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=60).read().decode("utf-8", "replace"))
except Exception as e:
    print("ERROR " + str(e))
PY
)
case $release in ERROR*) fail "the mirror does not serve $suite (${release#ERROR })" ;; esac
arches=$(printf '%s\n' "$release" | sed -n 's/^Architectures: //p')
components=$(printf '%s\n' "$release" | sed -n 's/^Components: //p')
codename=$(printf '%s\n' "$release" | sed -n 's/^Codename: //p')
version=$(printf '%s\n' "$release" | sed -n 's/^Version: //p')
case " $arches " in *" arm64 "*) ;; *) fail "$suite is not served for arm64 (architectures: $arches)" ;; esac
case " $components " in *" non-free-firmware "*) ;; *) fail "$suite has no non-free-firmware component (raspi-firmware lives there)" ;; esac
echo "suite $suite: $codename $version, arm64 with main and non-free-firmware"

# ---------------------------------------------------------------------------------------------------------------------
# What the appliance runs. libgpiod2 (libgpiod.so.2, the 1.x API that System.Device.Gpio's LibGpiodDriver loads)
# is bookworm's: trixie ships only libgpiod3, so for a later suite bookworm is added with a pin that takes nothing
# else from it. gpiod (the command line tools) comes from the suite itself.
packages="systemd systemd-sysv udev dbus kmod systemd-resolved systemd-timesyncd iproute2 iputils-ping
 linux-image-arm64 raspi-firmware initramfs-tools zstd
 avahi-daemon libnss-mdns fdisk e2fsprogs dosfstools
 gpiod libgpiod2 ca-certificates adduser"
extra_source=
if [ "$codename" != bookworm ]; then
    extra_source="deb $mirror bookworm main"
fi

step "mmdebstrap --variant=extract ($codename arm64)"
root=$work/root
# A run stopped while mmdebstrap had its mounts up leaves them behind: unmount them before removing the folder.
if [ -d "$root" ]; then
    findmnt -rn -o TARGET | grep "^$root/" | sort -r | while read -r m; do umount "$m" || umount -l "$m"; done
fi
rm -rf --one-file-system "$root"
mkdir -p "$work/build"
cp "$deb" "$work/build/"
debname=$(basename "$deb")
echo "$debname" > "$work/build/deb.name"
# shellcheck disable=SC2086
mmdebstrap --variant=extract --architectures=arm64 --components=main,non-free-firmware \
    --include='?essential' --include=apt \
    --skip=cleanup/apt \
    --setup-hook='mkdir -p "$1/etc/apt/preferences.d" && printf "Package: *\nPin: release n=bookworm\nPin-Priority: 100\n" > "$1/etc/apt/preferences.d/bookworm-libgpiod2.pref"' \
    --extract-hook="ls \"\$1\"/var/cache/apt/archives/*.deb | sed 's,^.*/,/var/cache/apt/archives/,' > \"$work/build/essential.list\"" \
    --extract-hook="APT_CONFIG=\"\$MMDEBSTRAP_APT_CONFIG\" apt-get --yes --download-only install $(echo $packages) busybox-static \"$work/build/$debname\"" \
    "$codename" "$root" "deb $mirror $codename main non-free-firmware" ${extra_source:+"$extra_source"}

archives=$root/var/cache/apt/archives
ls "$archives"/linux-image-*-arm64_*.deb >/dev/null 2>&1 || fail "the kernel package was not downloaded"

# ---------------------------------------------------------------------------------------------------------------------
step "second stage: kernel, initramfs, file systems"
s2=$work/stage2
rm -rf "$s2"
mkdir -p "$s2/kernel" "$s2/busybox" "$s2/initramfs"
kdeb=$(ls "$archives"/linux-image-*-arm64_*.deb | grep -v -- '-dbg_' | grep -v 'linux-image-arm64_' | head -n1)
dpkg-deb -x "$kdeb" "$s2/kernel"
kver=$(ls "$s2/kernel/lib/modules" 2>/dev/null || ls "$s2/kernel/usr/lib/modules")
kmods=$s2/kernel/lib/modules/$kver
[ -d "$kmods" ] || kmods=$s2/kernel/usr/lib/modules/$kver
echo "kernel $kver"
# modules.dep is made by the package's postinst: make it here (depmod reads the arm64 modules fine).
[ -e "$s2/kernel/lib" ] || ln -s usr/lib "$s2/kernel/lib"
depmod -b "$s2/kernel" "$kver"
dpkg-deb -x "$(ls "$archives"/busybox-static_*.deb | head -n1)" "$s2/busybox"

ir=$s2/initramfs
mkdir -p "$ir/bin" "$ir/dev" "$ir/proc" "$ir/sys" "$ir/newroot" "$ir/lib/modules"
bb=$s2/busybox/bin/busybox
[ -x "$bb" ] || bb=$s2/busybox/usr/bin/busybox
cp "$bb" "$ir/bin/busybox"
for applet in sh mount umount mkdir sleep cat echo poweroff sync insmod ls; do ln -s busybox "$ir/bin/$applet"; done
# The modules the second stage needs, with what they depend on (modules.dep), in load order.
python3 - "$kmods" "$ir/lib/modules" virtio_blk virtio_pci virtio_mmio crc32c_generic crc32c-arm64 ext4 vfat nls_cp437 nls_ascii nls_utf8 \
    nls_iso8859_1 > "$ir/lib/modules/order" <<'PY'
import lzma, os, sys
base, dest, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
deps = {}
with open(os.path.join(base, "modules.dep")) as f:
    for line in f:
        path, _, rest = line.partition(":")
        deps[os.path.basename(path).split(".ko")[0].replace("-", "_")] = (path, rest.split())
byname = {k: v for k, v in deps.items()}
order, seen = [], set()
def visit(name):
    if name in seen or name not in byname:
        return
    seen.add(name)
    path, needs = byname[name]
    for n in needs:
        visit(os.path.basename(n).split(".ko")[0].replace("-", "_"))
    order.append(path)
for w in wanted:
    visit(w.replace("-", "_"))   # built in (not in modules.dep) is fine
for path in order:
    data = open(os.path.join(base, path), "rb").read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    elif path.endswith(".zst"):
        import subprocess
        data = subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=True).stdout
    name = os.path.basename(path).split(".ko")[0] + ".ko"
    open(os.path.join(dest, name), "wb").write(data)
    print(name)
PY
cat > "$ir/init" <<'SH'
#!/bin/sh
# Second stage of the image build: mount the root (vda) and the boot file system (vdb), install inside, power off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/order); do insmod /lib/modules/$m 2>/dev/null; done
n=0
while [ ! -b /dev/vda ] || [ ! -b /dev/vdb ]; do
    n=$((n + 1)); [ $n -gt 100 ] && { echo "STAGE2: no disks"; poweroff -f; }
    sleep 0.2
done
mount -t ext4 /dev/vda /newroot || { echo "STAGE2: cannot mount the root"; poweroff -f; }
mkdir -p /newroot/boot/firmware
mount -t vfat /dev/vdb /newroot/boot/firmware || { echo "STAGE2: cannot mount the boot file system"; poweroff -f; }
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts && mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs tmpfs /newroot/run
mount -t tmpfs tmpfs /newroot/tmp
if chroot /newroot /bin/sh /var/lib/edgemail-build/stage2.sh </dev/console >/dev/console 2>&1; then
    result=STAGE2-OK
else
    result=STAGE2-FAILED
fi
umount /newroot/tmp /newroot/run /newroot/dev/pts /newroot/dev /newroot/sys /newroot/proc
umount /newroot/boot/firmware
umount /newroot
sync
echo "$result"
poweroff -f
SH
chmod 0755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) > "$s2/initramfs.cpio.gz"
vmlinuz=$(ls "$s2/kernel/boot"/vmlinuz-* | head -n1)

# What stage2.sh installs, and the image's own files (first boot, network, fstab).
# What mmdebstrap extracted: the Essential:yes packages and what they depend on (the extract hook listed them).
[ -s "$work/build/essential.list" ] || fail "no Essential:yes package in the download"
printf '%s\n' $packages > "$work/build/packages.list"
cp "$here/stage2.sh" "$work/build/stage2.sh"
mkdir -p "$work/build/files"
cp -r "$here/rootfs/." "$work/build/files/"
rm -rf "$root/var/lib/edgemail-build"
cp -r "$work/build" "$root/var/lib/edgemail-build"

# Room for everything the second stage unpacks: the installed sizes of the downloaded packages, what is there
# already, and a margin for the initrd and apt's work. Shrunk to its content afterwards.
installed_kib=$(for f in "$archives"/*.deb; do dpkg-deb -f "$f" Installed-Size; done | awk '{s += $1} END {print s}')
present_kib=$(du -sk "$root" | cut -f1)
root_mib=$(( (installed_kib + present_kib) / 1024 + 768 ))
mkfs.ext4 -q -F -L RASPIROOT -d "$root" -E root_owner=0:0 "$work/root.ext4" "${root_mib}M"
rm -f "$work/boot.vfat"
mkfs.vfat -C -F 32 -n RASPIFIRM "$work/boot.vfat" $((boot_mib * 1024)) >/dev/null
echo "root file system ${root_mib} MiB before the second stage, boot ${boot_mib} MiB"

# ---------------------------------------------------------------------------------------------------------------------
step "second stage in qemu-system-aarch64 (dpkg, apt, kernel hooks)"
log=$out/stage2-console.log
accel=tcg
timeout 5400 qemu-system-aarch64 -M virt -accel "$accel" -cpu cortex-a72 -smp 2 -m 2048 -nographic -no-reboot \
    -kernel "$vmlinuz" -initrd "$s2/initramfs.cpio.gz" \
    -append "console=ttyAMA0 panic=-1 rdinit=/init" \
    -drive "file=$work/root.ext4,format=raw,if=virtio" \
    -drive "file=$work/boot.vfat,format=raw,if=virtio" \
    -nic none -serial "file:$log" -monitor none -display none </dev/null || true
grep -q '^STAGE2-OK' "$log" || { tail -n 40 "$log" >&2; fail "the second stage failed (console: $log)"; }

# ---------------------------------------------------------------------------------------------------------------------
step "shrink, assemble the image"
e2fsck -f -y "$work/root.ext4" >/dev/null || [ $? -le 1 ] || fail "the root file system has errors"
resize2fs -M "$work/root.ext4" >/dev/null 2>&1
# A little room for the first start before the first-boot unit grows it to the card.
blocks=$(dumpe2fs -h "$work/root.ext4" 2>/dev/null | sed -n 's/^Block count:[[:space:]]*//p')
bsize=$(dumpe2fs -h "$work/root.ext4" 2>/dev/null | sed -n 's/^Block size:[[:space:]]*//p')
rootfs_mib=$(( blocks * bsize / 1048576 + 128 ))
resize2fs "$work/root.ext4" "${rootfs_mib}M" >/dev/null 2>&1
truncate -s "${rootfs_mib}M" "$work/root.ext4"

img=$out/edgemail-$codename-arm64.img
start_mib=4
total_mib=$(( start_mib + boot_mib + rootfs_mib ))
rm -f "$img" "$img.xz"
truncate -s "${total_mib}M" "$img"
# MBR: every Pi's boot ROM reads it (GPT only on the Pi 4's newer EEPROMs). 0c = FAT32 (LBA), 83 = Linux.
sfdisk --quiet "$img" <<EOF
label: dos
unit: sectors
start=$((start_mib * 2048)), size=$((boot_mib * 2048)), type=c, bootable
start=$(((start_mib + boot_mib) * 2048)), size=$((rootfs_mib * 2048)), type=83
EOF
dd if="$work/boot.vfat" of="$img" bs=1M seek=$start_mib conv=notrunc,fsync status=none
dd if="$work/root.ext4" of="$img" bs=1M seek=$((start_mib + boot_mib)) conv=notrunc,fsync status=none
echo "image $(basename "$img"): ${total_mib} MiB"

step "check the image"
"$here/check-image.sh" "$img"

step "xz -T0"
xz -T0 -k -f "$img"
echo "$(basename "$img").xz: $(( $(stat -c %s "$img.xz") / 1048576 )) MiB"

step "done"
echo "total $(( $(date +%s) - start_all ))s: $img.xz"
