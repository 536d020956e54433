#!/bin/sh
# Second stage of the image build, run by the build's initramfs inside qemu-system-aarch64, chrooted into the
# image's root with the FAT boot file system on /boot/firmware. The Essential:yes packages are unpacked already;
# everything else is in /var/cache/apt/archives (no network here).
set -eu
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
b=/var/lib/edgemail-build
t0=$(date +%s)
mark() { echo "stage2: $1 ($(( $(date +%s) - t0 ))s)"; }

# No service starts inside the build.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d

# As mmdebstrap does on a native build: install the unpacked Essential:yes packages properly, then the rest.
# shellcheck disable=SC2046
dpkg --install --force-depends $(cat "$b/essential.list") >/dev/null
dpkg --configure -a
mark "essential packages installed"

# shellcheck disable=SC2046
apt-get --yes --no-download -o Dpkg::Options::=--force-confold -o APT::Install-Recommends=false \
    install $(cat "$b/packages.list")
# The .deb by dpkg (apt takes a local file only by a path it can resolve), then whatever it depends on beyond
# the list, from the same downloads.
dpkg --install "$b/$(cat "$b/deb.name")" || apt-get --yes --no-download -o Dpkg::Options::=--force-confold -f install
dpkg-query -W -f '${Status}\n' edgemail | grep -q 'install ok installed' || { echo "edgemail is not installed"; exit 1; }
mark "packages installed"

# The image's own files: fstab, network, first boot, raspi-firmware's settings.
cp -r "$b/files/." /
chmod 0755 /usr/lib/edgemail-image/firstboot

# raspi-firmware's kernel hook writes cmdline.txt and config.txt from /etc/default/raspi-firmware, probing what it
# does not find there on the machine it runs on (here the build's VM, not a Pi), so the image says it all:
# root by label (mmcblk0p2 on the Pi, vda under qemu), the consoles of the arm64 Pis (HDMI and the UART on ttyS1,
# which also gets the boot log), and no cma= (a headless box; the hook's cma=64M can keep a Pi 4 from booting).
setdefault() {
    sed -i -E "/^#?$1=/d" /etc/default/raspi-firmware
    echo "$1=$2" >> /etc/default/raspi-firmware
}
setdefault ROOTPART '"LABEL=RASPIROOT"'
setdefault CONSOLES '"tty0 ttyS1,115200"'
setdefault CMA 0

echo edgemail > /etc/hostname
printf '127.0.0.1\tlocalhost\n127.0.1.1\tedgemail\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > /etc/hosts

systemctl enable systemd-networkd.service systemd-resolved.service systemd-timesyncd.service avahi-daemon.service \
    edgemail-firstboot.service edgemail.service
ln -sf ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf
# machine-id "uninitialized" makes the first boot a systemd first boot, and systemd-firstboot would then ask on the
# console for a locale, a time zone and a root password, waiting for a key on a box that has no keyboard: off.
systemctl mask systemd-firstboot.service

# No password anywhere: root is locked (no login at all until someone sets one on the card), no ssh server.
usermod -L root
passwd -S root | grep -q ' L ' || { echo "root is not locked"; exit 1; }

# Every card gets its own machine-id at first boot (systemd generates it when the file says "uninitialized").
echo uninitialized > /etc/machine-id
rm -f /var/lib/dbus/machine-id

# The kernel hooks ran when linux-image was configured, maybe before the .deb's raspi-firmware-custom existed:
# run them again so that config.txt carries its lines and cmdline.txt the label.
kver=$(ls /lib/modules | sort -V | tail -n1)
DEB_MAINT_PARAMS=configure /etc/kernel/postinst.d/z50-raspi-firmware "$kver"
mark "boot files written for $kver"
ls -l /boot/firmware

# What systemd would otherwise do at the first boot because /etc and /var look older than /usr
# (ConditionNeedsUpdate): the linker cache and the journal's catalog, done here once, then marked done.
ldconfig
journalctl --update-catalog || true
/usr/lib/systemd/systemd-update-done || true

rm -f /usr/sbin/policy-rc.d
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/lib/dpkg/*-old /var/log/apt/* "$b"
mark "done"
