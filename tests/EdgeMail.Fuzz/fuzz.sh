#!/usr/bin/env bash
# Runs one target under afl-fuzz (README.md): publish, instrument the target's assemblies with sharpfuzz, fuzz for
# SECONDS at the lowest priority, print the run's figures, and with --keep minimise the queue into corpus/TARGET.
#   ./fuzz.sh TARGET [SECONDS=300] [--keep]      (SECONDS 0: only minimise what an earlier run left with --keep)
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz.sh TARGET [SECONDS] [--keep]}
seconds=${2:-300}
keep=${3:-}

# The assemblies whose code each target exercises, with the namespaces to instrument (none: all of it).
case "$target" in
  imap-command) instrument=("EdgeMail.Imap.dll EdgeMail.Imap.Protocol EdgeMail.Imap.Session.CommandReader EdgeMail.Imap.Commands.Status" "EdgeMail.Store.dll EdgeMail.Store.Mailboxes") ;;
  imap-fetch|imap-search) instrument=("EdgeMail.Imap.dll EdgeMail.Imap.Protocol") ;;
  smtp-command) instrument=("EdgeMail.Smtp.dll EdgeMail.Smtp.Protocol") ;;
  smtp-data) instrument=("EdgeMail.Net.dll EdgeMail.Net.LineReader EdgeMail.Net.LineFramer" "EdgeMail.Smtp.dll EdgeMail.Smtp.Protocol") ;;
  pop3-command) instrument=("EdgeMail.Pop3.dll EdgeMail.Pop3.Protocol EdgeMail.Pop3.Session.CommandTable") ;;
  sasl-plain|sasl-login|sasl-scram) instrument=("EdgeMail.Auth.dll EdgeMail.Auth.Sasl") ;;
  mailbox-name) instrument=("EdgeMail.Store.dll EdgeMail.Store.Mailboxes") ;;
  mime) instrument=("EdgeMail.Store.dll EdgeMail.Store.Mime EdgeMail.Store.Messages" "EdgeMail.Imap.dll EdgeMail.Imap.Commands.BodyStructureWriter EdgeMail.Imap.Commands.EnvelopeWriter EdgeMail.Imap.Protocol.ResponseWriter" "MimeKit.dll MimeKit") ;;
  *) echo "fuzz.sh: no target named '$target'" >&2; exit 2 ;;
esac
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz is missing (apt-get install afl++)" >&2; exit 1; }

work="findings/$target"
bin="$work/bin"
mkdir -p "$work"
# One Release build for all targets (remove findings/published after changing the code); each target instruments its
# own copy, so that the next build of the worktree does not touch a running fuzzer.
if [ ! -f findings/published/EdgeMail.Fuzz.dll ]; then
  rm -rf "findings/$target/bin" findings/published
  dotnet publish -c Release -o findings/published --nologo -v quiet >/dev/null
  git rev-parse --short HEAD >findings/published/.commit
fi
if [ ! -f "$bin/.instrumented" ] || [ findings/published/EdgeMail.Fuzz.dll -nt "$bin/.instrumented" ]; then
  rm -rf "$bin"
  cp -r findings/published "$bin"
  dotnet tool restore >/dev/null
  for spec in "${instrument[@]}"; do
    read -r dll prefixes <<<"$spec"
    # shellcheck disable=SC2086
    dotnet sharpfuzz "$bin/$dll" $prefixes
  done
  touch "$bin/.instrumented"
fi

# afl-cmin wants the program's full path.
dotnet=$(command -v dotnet)
dotnet=$(readlink -f "$dotnet")
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1
export DOTNET_TieredPGO=0 DOTNET_TC_QuickJitForLoops=1
if [ "$seconds" != 0 ]; then
  nice -n 19 afl-fuzz -i "corpus/$target" -o "$work" -t 5000 -m none -V "$seconds" -- "$dotnet" "$bin/EdgeMail.Fuzz.dll" "$target" >"$work/afl.log" 2>&1 || { tail -30 "$work/afl.log" >&2; exit 1; }
  stats="$work/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  echo "$target: $(get execs_done) executions in $(get run_time) s ($(get execs_per_sec)/s), corpus $(get corpus_count), edges $(get edges_found) of $(get total_edges), crashes $(get saved_crashes), hangs $(get saved_hangs)"
  # The row for the Executions table of README.md.
  echo "| $(date -u +%F) | \`$target\` | $(cat "$bin/.commit" 2>/dev/null || git rev-parse --short HEAD) | $(get run_time) | $(get execs_done) | $(get edges_found) | $(get corpus_count) | $(get saved_crashes) | $(get saved_hangs) | |"
fi

if [ "$keep" = "--keep" ]; then
  rm -rf "$work/cmin"
  nice -n 19 afl-cmin -i "$work/default/queue" -o "$work/cmin" -t 5000 -m none -- "$dotnet" "$bin/EdgeMail.Fuzz.dll" "$target" >"$work/cmin.log" 2>&1 || { tail -20 "$work/cmin.log" >&2; exit 1; }
  rm -rf "corpus/$target"
  mkdir -p "corpus/$target"
  # A seed keeps its name (afl's queue says orig:NAME); an input afl found is named by its hash.
  for f in "$work/cmin"/*; do
    name=$(basename "$f")
    case "$name" in *orig:*) name=${name##*orig:} ;; *) name=$(sha1sum "$f" | cut -c1-16) ;; esac
    cp "$f" "corpus/$target/$name"
  done
  echo "$target: corpus/$target now $(ls "corpus/$target" | wc -l) files, $(du -sb "corpus/$target" | cut -f1) bytes"
fi
