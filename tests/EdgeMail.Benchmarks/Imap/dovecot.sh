#!/bin/sh
# Dovecot for the `imap` benchmark: a throwaway instance in DIR, listening on 127.0.0.1 only.
#   dovecot.sh DIR PORT TLSPORT USERS
# USERS is a passwd-file (user:{PLAIN}password:65534:65534::HOME::) whose homes hold Maildir/ folders
# the benchmark has already filled. Dovecot indexes them on first SELECT. Runs in the foreground
# (exec dovecot -F), so the caller's child process is Dovecot's master.
# Needs: apt-get install dovecot-imapd (Debian's 2.3), root (Dovecot drops to the users below).
set -eu
dir=$1 port=$2 tlsport=$3 users=$4

command -v dovecot >/dev/null || { echo "dovecot.sh: dovecot not found: apt-get install dovecot-imapd" >&2; exit 3; }
mkdir -p "$dir/run" "$dir/state"
if [ ! -f "$dir/key.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
fi
# The mail is written by the benchmark as root; the imap processes run as the users' uid.
chown -R 65534:65534 "$dir/home"
chmod 755 "$dir"

cat > "$dir/dovecot.conf" <<CONF
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
mail_location = maildir:~/Maildir
first_valid_uid = 100
# 1,000 IDLE connections from one address and one user.
mail_max_userip_connections = 2000
default_client_limit = 5000
default_process_limit = 3000
default_vsz_limit = 1G
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $tlsport
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
exec dovecot -F -c "$dir/dovecot.conf"
