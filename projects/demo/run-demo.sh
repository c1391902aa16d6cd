#!/usr/bin/env bash
# Runs the demo domain on this machine: two domain servers (alpha, the main, and beta, the
# backup) in two processes on loopback, each from its own copy of the domain folder and with its
# own data directory. Ctrl-C stops both.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
dist="$top/domain-server/target/dist"
work="${DEMO_DIR:-$top/run/demo}"

cd "$top"
# Build when there is no distribution yet, or a source file is newer than the server's jar.
jar=$(ls "$dist"/lib/domain-server-*.jar 2>/dev/null | head -1 || true)
if [ -z "$jar" ] || [ -n "$(find . \( -path ./run -o -path '*/target' -o -path ./.git \) -prune -o \( -name '*.java' -o -name pom.xml -o -name '*.xml' \) -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "Building the distribution (mvn -B -q package -DskipTests)..."
  mvn -B -q package -DskipTests
fi

servers=(alpha beta)
ports=(4851 4852)
pids=()
reported=()
plant_pid=""
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the demo domain..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$plant_pid" ]; then kill -TERM "$plant_pid" 2>/dev/null || true; wait "$plant_pid" 2>/dev/null || true; fi
  echo "Stopped. Logs and event logs are in $work."
}
trap stop_all INT TERM EXIT

# The SHA-256 fingerprint of the certificate an OPC UA server keeps in its PKI folder (hex with
# colons), read on this machine: the trusted path by which the demo confirms its own servers.
fingerprint() {
  keytool -list -v -keystore "$1/application.pfx" -storetype PKCS12 -storepass:file "$1/application.pfx.password" 2>/dev/null \
    | sed -n 's/^[[:space:]]*SHA256:[[:space:]]*//p' | head -1
}

# The plant's PLC stand-in, which the project's "plc" driver reads and writes.
mkdir -p "$work/plant"
"$dist/bin/plant-simulator" --port 4860 --pki "$work/plant/pki" >"$work/plant/console.log" 2>&1 &
plant_pid=$!
for _ in $(seq 1 60); do
  grep -q "listening on" "$work/plant/console.log" 2>/dev/null && break
  if ! kill -0 "$plant_pid" 2>/dev/null; then
    echo "The plant simulator exited:"; cat "$work/plant/console.log"; exit 1
  fi
  sleep 0.5
done

# The driver talks to the plant encrypted, to the simulator's certificate only (pinned).
plant_fp=$(fingerprint "$work/plant/pki")
for s in "${servers[@]}"; do
  mkdir -p "$work/$s/domain" "$work/$s/data"
  # Each server keeps its own copy of the domain folder, as on separate machines.
  cp -r "$top/projects/demo/." "$work/$s/domain/"
  rm -f "$work/$s/domain/run-demo.sh"
  # A checkout leaves the secret readable by others; the server refuses it so (as ssh a key).
  chmod 600 "$work/$s/domain/demo.secret"
  if [ -n "$plant_fp" ]; then
    sed -i "s|endpoint=\"opc.tcp://127.0.0.1:4860/plant\"|& securityMode=\"SignAndEncrypt\" certificate=\"$plant_fp\"|" \
      "$work/$s/domain/plant.prj"
  fi
  "$dist/bin/domain-server" --domain "$work/$s/domain/demo.dom" --server "$s" \
    --data-dir "$work/$s/data" >"$work/$s/console.log" 2>&1 &
  pids+=($!)
done

# The demo's users (demo.dom); every session logs in. Password files only this user can read.
(umask 077
 printf '%s\n' demo-admin-1 >"$work/admin.password"
 printf '%s\n' demo-operator-1 >"$work/operator.password"
 printf '%s\n' demo-viewer-1 >"$work/viewer.password")
login() { echo "--user $1 --password-file $work/$1.password"; }
ctl="$dist/bin/domainctl --domain $work/alpha/domain/demo.dom $(login viewer)"
op="$dist/bin/domainctl --domain $work/alpha/domain/demo.dom $(login operator)"
admin="$dist/bin/domainctl --domain $work/alpha/domain/demo.dom $(login admin)"
echo "Starting the demo domain in $work ..."
# Trust each server's certificate for this user's domainctl (its known-servers file) once the
# server listens, having read the fingerprint from the server's own folder, as an operator
# confirms it; a login sends no password to a server whose certificate is not trusted.
trusted=()
for _ in $(seq 1 90); do
  for i in "${!servers[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "Server ${servers[$i]} exited:"; tail -5 "$work/${servers[$i]}/console.log"; exit 1
    fi
    [ -n "${trusted[$i]:-}" ] && continue
    fp=$(fingerprint "$work/${servers[$i]}/data/pki" || true)  # none until the server made it
    if [ -n "$fp" ] && "$dist/bin/domainctl" --endpoint "opc.tcp://127.0.0.1:${ports[$i]}/hotstandby" \
        $(login viewer) --accept-certificate "$fp" domain history >/dev/null 2>"$work/trust.err"; then
      trusted[$i]=1
    fi
  done
  [ "${#trusted[@]}" -eq "${#servers[@]}" ] && break
  sleep 1
done
if [ "${#trusted[@]}" -ne "${#servers[@]}" ]; then
  echo "Could not trust every server's certificate: $(cat "$work/trust.err" 2>/dev/null)"
fi
# Until the domain has its ACTIVE server.
for _ in $(seq 1 60); do
  if $ctl status >/dev/null 2>&1; then break; fi
  sleep 1
done
$ctl status || true
cat <<TXT

The demo domain is running:
  alpha (main)      pid ${pids[0]}   opc.tcp://127.0.0.1:4851/hotstandby
  beta  (backup)    pid ${pids[1]}   opc.tcp://127.0.0.1:4852/hotstandby
  plant simulator   pid $plant_pid   opc.tcp://127.0.0.1:4860/plant

An HMI (any OPC UA client) connected to either server finds the plant's tags under
Objects/Application (namespace urn:hotstandby:application) and its alarms under Alarms;
only the ACTIVE server accepts writes.

Every session logs in (encrypted). The demo's users, with their passwords (also in
$work/<user>.password):
  viewer   / demo-viewer-1     reads: status, tags, domain history
  operator / demo-operator-1   also writes tags, acknowledges alarms, activates a server
  admin    / demo-admin-1      also changes the domain file

Watch and switch it from another terminal:
  $ctl status
  $ctl status --json
  $op activate          # planned switchover to the standby
  $ctl tag Tank1.Level   # read a tag
  $op tag Pump1.Run false   # write it on the ACTIVE server
  $admin domain history
  $dist/bin/admin-tray --endpoint opc.tcp://127.0.0.1:4851/hotstandby $(login operator)
  kill -9 <pid of the ACTIVE server>   # and watch the standby take over

The servers' certificates are trusted for logging in from this account (known-servers file);
the plc driver pins the simulator's certificate and reads the plant with SignAndEncrypt.

Event logs: $work/<server>/data/events.jsonl   Logs: $work/<server>/data/logs/
Press Ctrl-C to stop both servers.
TXT
# A killed server does not stop the demo: the other one carries on, as in a plant.
while :; do
  running=0
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      running=$((running + 1))
    elif [ -z "${reported[$i]:-}" ]; then
      reported[$i]=1
      s=${servers[$i]}
      echo "Server $s (pid ${pids[$i]}) has exited. Start it again from another terminal with:"
      echo "  $dist/bin/domain-server --domain $work/$s/domain/demo.dom --server $s --data-dir $work/$s/data"
    fi
  done
  [ "$running" -gt 0 ] || break
  sleep 1
done
echo "Both demo servers have exited."
