#!/bin/sh
# Dovecot for the `imap` benchmark: a throwaway instance in DIR, listening on 127.0.0.1 only.
#   dovecot.sh DIR PORT TLSPORT USERS [FORMAT]
# USERS is a passwd-file (user:{PLAIN}password:65534:65534::HOME::) whose homes hold Maildir/ folders
# the benchmark has already filled. FORMAT maildir (the default): Dovecot serves those folders and
# indexes them on the first SELECT. FORMAT sdbox: before starting, `doveadm backup -R` copies each
# Maildir into ~/sdbox (Dovecot's single-dbox format, with its index built), which Dovecot then
# serves. Runs in the foreground (exec dovecot -F), so the caller's child process is Dovecot's master.
# Needs: apt-get install dovecot-imapd (Debian's 2.3), root (Dovecot drops to the users below).
set -eu
dir=$1 port=$2 tlsport=$3 users=$4 format=${5:-maildir}
case $format in
  maildir) location='maildir:~/Maildir' ;;
  sdbox) location='sdbox:~/sdbox' ;;
  *) echo "dovecot.sh: FORMAT is maildir or sdbox, not $format" >&2; exit 2 ;;
esac

command -v dovecot >/dev/null || { echo "dovecot.sh: dovecot not found: apt-get install dovecot-imapd" >&2; exit 3; }
mkdir -p "$dir/run" "$dir/state"
if [ ! -f "$dir/key.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
fi
# The mail is written by the benchmark as root; the imap processes run as the users' uid.
chown -R 65534:65534 "$dir/home"
chmod 755 "$dir"

# conf PORT TLSPORT: the configuration (port 0 leaves a listener out).
conf() {
cat <<CONF
# Written by tests/EdgeMail.Benchmarks/Imap/dovecot.sh; see there.
base_dir = $dir/run
state_dir = $dir/state
instance_name = imapbench-$port
listen = 127.0.0.1
protocols = imap
log_path = $dir/dovecot.log
auth_verbose = no
# Loopback only, so plaintext LOGIN is allowed as for EdgeMail.
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
passdb {
  driver = passwd-file
  args = scheme=PLAIN $users
}
userdb {
  driver = passwd-file
  args = $users
}
mail_location = $location
# Maildir and sdbox default to different separators; dsync (the sdbox copy) needs them equal.
namespace inbox {
  inbox = yes
  separator = /
}
first_valid_uid = 100
# 1,000 IDLE connections from one address and one user.
mail_max_userip_connections = 2000
default_client_limit = 5000
default_process_limit = 3000
default_vsz_limit = 1G
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $1
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $2
    ssl = yes
  }
  process_limit = 3000
}
service imap {
  process_limit = 3000
}
service anvil {
  client_limit = 10000
}
service auth {
  client_limit = 10000
}
CONF
}

if [ "$format" = sdbox ]; then
  # doveadm looks users up through the auth service, so a Dovecot without listeners runs during the
  # copy (in the background, its output away from the caller's pipes). The bulk copy skips fsync;
  # one sync at the end makes it durable before the measured server starts.
  conf 0 0 > "$dir/convert.conf"
  dovecot -c "$dir/convert.conf" </dev/null >/dev/null 2>&1
  while [ ! -S "$dir/run/auth-userdb" ]; do sleep 0.1; done
  cut -d: -f1 "$users" | while read -r user; do
    home=$(awk -F: -v u="$user" '$1 == u { print $6 }' "$users")
    [ -d "$home/sdbox" ] || doveadm -c "$dir/convert.conf" -o mail_fsync=never backup -R -u "$user" 'maildir:~/Maildir'
  done
  doveadm -c "$dir/convert.conf" stop
  while [ -e "$dir/run/master.pid" ]; do sleep 0.1; done
  sync
fi
conf "$port" "$tlsport" > "$dir/dovecot.conf"
exec dovecot -F -c "$dir/dovecot.conf"
