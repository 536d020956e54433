#!/bin/sh
# Installs EdgeMail into a root file system: the image build runs it on the image's root,
#   image/install.sh ROOT PUBLISH_DIR
# where PUBLISH_DIR is the output of `dotnet publish src/EdgeMail -c Release -r linux-arm64`.
# Layout:
#   /usr/lib/edgemail/edgemail (+ libe_sqlite3.so beside it), /usr/bin/edgemail -> it
#   /usr/sbin/sendmail: the sendmail interface for cron, scripts and the NAS (RFC 5321 submission to the
#                       running server on loopback, with the appliance's configuration)
#   /etc/edgemail/edgemail.json (firmware-config/edgemail.json), /lib/systemd/system/edgemail.service
set -eu
root=${1:?usage: install.sh ROOT PUBLISH_DIR}
publish=${2:?usage: install.sh ROOT PUBLISH_DIR}
here=$(cd "$(dirname "$0")" && pwd)

install -d "$root/usr/lib/edgemail" "$root/usr/bin" "$root/usr/sbin" "$root/etc/edgemail" "$root/lib/systemd/system"
install -m 0755 "$publish/edgemail" "$root/usr/lib/edgemail/edgemail"
for lib in "$publish"/*.so; do
    [ -e "$lib" ] && install -m 0644 "$lib" "$root/usr/lib/edgemail/"
done
ln -sf ../lib/edgemail/edgemail "$root/usr/bin/edgemail"

# A script rather than a link: sendmail must find the appliance's configuration (its SMTP port) whatever
# the caller's working directory.
cat > "$root/usr/sbin/sendmail" <<'SH'
#!/bin/sh
exec /usr/lib/edgemail/edgemail sendmail --config /etc/edgemail/edgemail.json "$@"
SH
chmod 0755 "$root/usr/sbin/sendmail"

install -m 0644 "$here/../firmware-config/edgemail.json" "$root/etc/edgemail/edgemail.json"
install -m 0644 "$here/edgemail.service" "$root/lib/systemd/system/edgemail.service"
install -d "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/edgemail.service "$root/etc/systemd/system/multi-user.target.wants/edgemail.service"

# The service account (the image build runs this as root on the image's root).
if ! grep -q '^edgemail:' "$root/etc/passwd" 2>/dev/null; then
    mkdir -p "$root/etc"
    echo 'edgemail:x:990:990:EdgeMail:/var/lib/edgemail:/usr/sbin/nologin' >> "$root/etc/passwd"
    echo 'edgemail:x:990:' >> "$root/etc/group"
fi
