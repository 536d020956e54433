#!/bin/sh
# Builds the edgemail Debian package with dpkg-deb:
#   image/build-deb.sh [--arch arm64|amd64] [PUBLISH_DIR]
# -> artifacts/deb/edgemail_VERSION_ARCH.deb. PUBLISH_DIR is the output of
# `dotnet publish src/EdgeMail -c Release -r linux-ARCH` (linux-arm64 or linux-x64); without it the script
# publishes into artifacts/publish/linux-ARCH first. VERSION is the project's (Directory.Build.props), the one
# `edgemail --version` prints. The default arch is arm64, the appliance's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
arch=arm64
publish=
while [ $# -gt 0 ]; do
    case $1 in
        --arch) arch=${2:?--arch needs arm64 or amd64}; shift 2 ;;
        --arch=*) arch=${1#--arch=}; shift ;;
        -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-deb.sh: unknown option $1 (usage: build-deb.sh [--arch arm64|amd64] [PUBLISH_DIR])" >&2; exit 2 ;;
        *) publish=$1; shift ;;
    esac
done
case $arch in
    arm64) rid=linux-arm64; strip=aarch64-linux-gnu-strip ;;
    amd64) rid=linux-x64; strip=strip ;;
    *) echo "build-deb.sh: --arch is arm64 or amd64, not '$arch'" >&2; exit 2 ;;
esac
[ "$(dpkg --print-architecture)" != "$arch" ] || strip=strip
for tool in dpkg-deb readelf fakeroot "$strip"; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is missing (apt-get install dpkg-dev binutils binutils-aarch64-linux-gnu fakeroot)" >&2; exit 1; }
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)
[ -n "$version" ] || { echo "build-deb.sh: no <Version> in Directory.Build.props" >&2; exit 1; }

if [ -z "$publish" ]; then
    publish=$repo/artifacts/publish/$rid
    dotnet publish "$repo/src/EdgeMail" -c Release -r "$rid" -o "$publish" >&2
fi
[ -x "$publish/edgemail" ] || { echo "build-deb.sh: $publish/edgemail is not there (dotnet publish src/EdgeMail -c Release -r $rid)" >&2; exit 1; }
machine=$(readelf -h "$publish/edgemail" | sed -n 's/^ *Machine: *//p')
case $arch:$machine in
    arm64:AArch64 | "amd64:Advanced Micro Devices X86-64") ;;
    *) echo "build-deb.sh: $publish/edgemail is built for '$machine', not $arch" >&2; exit 1 ;;
esac

out=$repo/artifacts/deb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
install -d "$root/DEBIAN" "$root/usr/lib/edgemail" "$root/usr/bin" "$root/usr/sbin" \
    "$root/etc/edgemail" "$root/etc/default" "$root/usr/lib/systemd/system/edgemail.service.d" \
    "$root/usr/lib/udev/rules.d" "$root/usr/share/edgemail/avahi" "$root/usr/share/doc/edgemail" \
    "$root/usr/share/man/man1" "$root/usr/share/man/man8" "$root/usr/share/lintian/overrides"

# The program: the Native AOT binary (and SQLite beside it when the publish has it), the LED step, the links.
install -m 0755 "$publish/edgemail" "$root/usr/lib/edgemail/edgemail"
if [ -e "$publish/libe_sqlite3.so" ]; then
    # NuGet's build keeps its symbols; strip them as dh_strip would (the edgemail binary is stripped by publish).
    install -m 0644 "$publish/libe_sqlite3.so" "$root/usr/lib/edgemail/"
    "$strip" --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/lib/edgemail/libe_sqlite3.so"
fi
install -m 0755 "$here/take-leds" "$root/usr/lib/edgemail/take-leds"
ln -s ../lib/edgemail/edgemail "$root/usr/bin/edgemail"
# sendmail as Debian's MTAs ship it (Policy §11.6): a plain file, not an alternative. A script rather than a
# link, so that it finds the appliance's configuration (the submission port) whatever the caller's folder.
cat > "$root/usr/sbin/sendmail" <<'SH'
#!/bin/sh
# The sendmail interface of EdgeMail: submits the message on standard input to the running service.
exec /usr/lib/edgemail/edgemail sendmail --config /etc/edgemail/edgemail.json "$@"
SH
chmod 0755 "$root/usr/sbin/sendmail"
install -d "$root/usr/lib"
ln -s ../sbin/sendmail "$root/usr/lib/sendmail"

# Configuration (conffiles), the unit and its drop-in, the udev rule, the Avahi service file (linked by postinst).
install -m 0644 "$repo/firmware-config/edgemail.json" "$root/etc/edgemail/edgemail.json"
install -m 0644 "$repo/firmware-config/raspi-firmware-custom" "$root/etc/default/raspi-firmware-custom"
install -m 0644 "$repo/firmware-config/edgemail.avahi.service" "$root/usr/share/edgemail/avahi/edgemail.service"
install -m 0644 "$here/edgemail.service" "$root/usr/lib/systemd/system/edgemail.service"
install -m 0644 "$here/edgemail.service.d/backup.conf" "$root/usr/lib/systemd/system/edgemail.service.d/backup.conf"
install -m 0644 "$here/60-edgemail-gpio.rules" "$root/usr/lib/udev/rules.d/60-edgemail-gpio.rules"

# Documentation: copyright, README.Debian, the manual pages, and the changelog from the version and the last
# commit (changelog.gz: a version without a Debian revision is a native package's).
install -m 0644 "$here/deb/copyright" "$root/usr/share/doc/edgemail/copyright"
install -m 0644 "$here/deb/README.Debian" "$root/usr/share/doc/edgemail/README.Debian"
gzip -9n < "$here/deb/edgemail.1" > "$root/usr/share/man/man1/edgemail.1.gz"
gzip -9n < "$here/deb/sendmail.8" > "$root/usr/share/man/man8/sendmail.8.gz"
install -m 0644 "$here/deb/lintian-overrides" "$root/usr/share/lintian/overrides/edgemail"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(git -C "$repo" log -1 --format=%aD 2>/dev/null || date -R)
maintainer="EdgeMail maintainers <maintainers@edgemail.invalid>"
{
    printf 'edgemail (%s) unstable; urgency=medium\n\n' "$version"
    printf '  * Built from the EdgeMail repository at commit %s.\n\n' "$commit"
    printf ' -- %s  %s\n' "$maintainer" "$date"
} | gzip -9n > "$root/usr/share/doc/edgemail/changelog.gz"
chmod 0644 "$root/usr/share/doc/edgemail/changelog.gz" "$root"/usr/share/man/man*/*.gz

# Maintainer scripts and conffiles.
install -m 0755 "$here/deb/postinst" "$here/deb/prerm" "$here/deb/postrm" "$root/DEBIAN/"
printf '%s\n' /etc/edgemail/edgemail.json /etc/default/raspi-firmware-custom > "$root/DEBIAN/conffiles"

# Depends, from what the binaries need: their NEEDED libraries are libc's (libc6 at the newest GLIBC_ symbol
# version they use); what the runtime dlopens: libssl.so.3 for every TLS connection (Depends), libgpiod.so.2
# only for the LibGpiod driver, whose absence the status reports while mail flows (Recommends). zlib and ICU are
# not needed: zlib-ng is compiled into the binary and globalization is invariant.
needed=$(for f in "$root"/usr/lib/edgemail/edgemail "$root"/usr/lib/edgemail/*.so; do [ -e "$f" ] && readelf -d "$f"; done \
    | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
for lib in $needed; do
    case $lib in
        libc.so.6 | libm.so.6 | libdl.so.2 | libpthread.so.0 | librt.so.1 | ld-linux-*) ;;
        *) echo "build-deb.sh: the binary needs $lib, which this script does not map to a package" >&2; exit 1 ;;
    esac
done
glibc=$(for f in "$root"/usr/lib/edgemail/edgemail "$root"/usr/lib/edgemail/*.so; do [ -e "$f" ] && readelf -V "$f"; done \
    | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: edgemail
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: libc6 (>= $glibc), libssl3 | libssl3t64, adduser
Recommends: avahi-daemon, libgpiod2
Provides: mail-transport-agent
Conflicts: mail-transport-agent
Replaces: mail-transport-agent
Section: mail
Priority: optional
Description: mail server appliance for a Raspberry Pi on a LAN
 EdgeMail is one program that stores mail on the box and serves it over IMAP
 and POP3, takes it over SMTP (and relays it through an upstream), and shows
 its state on LEDs and a web page, where a phone is paired by holding a button.
 .
 This package installs it as a hardened systemd service with its own user,
 the GPIO access for the LEDs and the button, the mDNS announcement of its
 services, and /usr/sbin/sendmail: it is the system's MTA.
CONTROL

# md5sums of every file (not the DEBIAN folder, not links).
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's:^\./::' | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/edgemail_${version}_${arch}.deb
SOURCE_DATE_EPOCH=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s) \
    fakeroot dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
