#!/usr/bin/env bash
# Runs e-commerce, messaging and micropay scenarios with their participants spread over three node
# processes on loopback (ephemeral ports), then kills a node mid-run. Nodes
# are stopped however the script ends.
set -u
bin=$1
root=$2
work=$(mktemp -d)
pids=()
fails=0
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
set +m # no job-control chatter when nodes are killed

start_node() { # name [node options...] -> sets port_<name>
  local name=$1
  shift
  "$bin" node --listen 127.0.0.1:0 --name "$name" "$@" >"$work/$name.out" 2>&1 &
  pids+=($!)
  eval "pid_$name=$!"
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$work/$name.out"; then
      eval "port_$name=$(sed -nE 's/.*listening on [^:]+:([0-9]+).*$/\1/p' "$work/$name.out")"
      return 0
    fi
    sleep 0.05
  done
  echo "FAIL node $name did not start"; cat "$work/$name.out"; exit 1
}

check() { # name, wanted exit code, pattern, command...
  local name=$1 want=$2 pattern=$3
  shift 3
  local start=$SECONDS
  timeout 60 "$@" >"$work/out" 2>&1
  local rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qE -- "$pattern" "$work/out"; then
    echo "FAIL $name: exit $rc (wanted $want)"; cat "$work/out"; fails=$((fails + 1)); return
  fi
  echo "ok   $name (exit $rc, $((SECONDS - start))s)"
}

start_node n1; start_node n2; start_node n3
nodes="n1=127.0.0.1:$port_n1,n2=127.0.0.1:$port_n2,n3=127.0.0.1:$port_n3"
cd "$root"

check "happy path over 3 nodes" 0 "result    PASS" \
  "$bin" run scenarios/ecommerce/happy-path.yaml --nodes "$nodes"
check "dropped reply over 3 nodes: resolution" 0 "result    PASS" \
  "$bin" run scenarios/ecommerce/bank-reply-dropped.yaml --nodes "$nodes"
check "attacker and faults across nodes: replay refused" 0 "detected  ReplayRejected at bank x2" \
  "$bin" run scenarios/attacks/ecommerce/replay-pm-forward.yaml --nodes "$nodes"
# The live view of a distributed run: the nodes' events, on the driver's stderr.
check "run -v over 3 nodes: live lines on stderr" 0 "alice +OutcomeReceived purchase=1 .*via=resolution" \
  sh -c '"$0" run -v scenarios/ecommerce/bank-reply-dropped.yaml --nodes "$1" 2>&1 >/dev/null' \
  "$bin" "$nodes"
check "messaging over 3 nodes: relay, sender, recipient" 0 "result    PASS" \
  "$bin" run scenarios/messaging/two-devices-chat.yaml --nodes "$nodes"
check "messaging offline queue over 3 nodes: eviction, gap explained" 0 "result    PASS" \
  "$bin" run scenarios/messaging/offline-three-messages.yaml --nodes "$nodes"
check "micropay over 3 nodes: server, payer, payee" 0 "result    PASS" \
  "$bin" run scenarios/micropay/pay-ok.yaml --nodes "$nodes"
check "micropay chat over 3 nodes" 0 "result    PASS" \
  "$bin" run scenarios/micropay/chat.yaml --nodes "$nodes"
check "purchase over 3 nodes: OPD and mail server, RSA and DSA customers" 0 "result    PASS" \
  "$bin" run scenarios/purchase/many-customers.yaml --nodes "$nodes"
check "an attacker on a node compromises a key held on another node" 0 "result    PASS" \
  "$bin" run tests/data/dist/attacker-on-node.yaml --nodes "$nodes"
check "same file in-process" 0 "result    PASS" \
  "$bin" run scenarios/ecommerce/happy-path.yaml

# Node hygiene: every run's participants and state are freed when the run
# ends; a node serves run after run without growing.
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
for i in $(seq 1 10); do
  "$bin" run tests/data/dist/echo-three-nodes.yaml --nodes "$nodes" >/dev/null 2>&1 || { echo "FAIL run $i"; fails=$((fails + 1)); }
done
rss_10=$(rss "$pid_n3")
for i in $(seq 11 50); do
  "$bin" run tests/data/dist/echo-three-nodes.yaml --nodes "$nodes" >/dev/null 2>&1 || { echo "FAIL run $i"; fails=$((fails + 1)); }
done
sleep 0.3 # the last run's participants go down after the driver
rss_50=$(rss "$pid_n3")
started=$(grep -c "started:" "$work/n3.out")
freed=$(grep -c "run ended, freed" "$work/n3.out")
last=$(grep "run ended, freed" "$work/n3.out" | tail -1)
if [ "$started" -lt 50 ] || [ "$freed" -ne "$started" ] || [[ "$last" != *"0 run(s) held"* ]] ||
   [ $((rss_50 - rss_10)) -gt 4096 ]; then
  echo "FAIL node n3 after 50 runs: $started started, $freed freed, last '$last', RSS ${rss_10} -> ${rss_50} KiB"
  fails=$((fails + 1))
else
  echo "ok   50 runs in a row: every run freed, RSS ${rss_10} -> ${rss_50} KiB after runs 10 and 50"
fi

# A driver killed mid-run: the nodes stop its participants and free the run.
before=$(grep -c "run ended, freed" "$work/n2.out")
"$bin" run scenarios/ecommerce/happy-path.yaml --nodes "$nodes" >/dev/null 2>&1 &
driver=$!
for _ in $(seq 1 100); do
  [ "$(grep -c "started:" "$work/n2.out")" -gt "$before" ] && break
  sleep 0.02
done
kill -9 "$driver" 2>/dev/null; wait "$driver" 2>/dev/null
for _ in $(seq 1 100); do
  [ "$(grep -c "run ended, freed" "$work/n2.out")" -gt "$before" ] && break
  sleep 0.05
done
if [ "$(grep -c "run ended, freed" "$work/n2.out")" -gt "$before" ] &&
   grep "run ended, freed" "$work/n2.out" | tail -1 | grep -q "0 run(s) held"; then
  echo "ok   driver killed mid-run: node n2 freed its run"
else
  echo "FAIL driver killed mid-run: node n2 did not free the run"; cat "$work/n2.out"; fails=$((fails + 1))
fi

# TLS: a node with certificates accepts only drivers whose certificate its CA signed.
"$bin" node --make-certs "$work/ca-a" >/dev/null && "$bin" node --make-certs "$work/ca-b" >/dev/null ||
  { echo "FAIL node --make-certs"; fails=$((fails + 1)); }
start_node t1 --certs "$work/ca-a" --threads 1
tls="n1=127.0.0.1:$port_t1"
check "TLS: a driver with the node's CA runs over TLS" 0 "result    PASS" \
  "$bin" run tests/data/dist/echo-one-node.yaml --nodes "$tls" --certs "$work/ca-a"
check "TLS: a driver with another CA's certificate is refused" 3 "cannot reach node n1.*handshake" \
  "$bin" run tests/data/dist/echo-one-node.yaml --nodes "$tls" --certs "$work/ca-b"
check "TLS: a driver without a certificate is refused" 3 "cannot reach node n1.*handshake" \
  "$bin" run tests/data/dist/echo-one-node.yaml --nodes "$tls"
# A stranger: a plain TCP client that connects and sends bytes gets nothing spawned.
runs_t1=$(grep -c "started:" "$work/t1.out"); runs_n1=$(grep -c "started:" "$work/n1.out")
python3 - "$port_t1" "$port_n1" <<'PY'
import os, socket, sys
for port in sys.argv[1:]:
    for payload in (os.urandom(4096), b"\x16\x03\x01" + os.urandom(600), b"GET / HTTP/1.0\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=2)
        try:
            s.sendall(payload)
            s.settimeout(0.5)
            s.recv(4096)
        except OSError:
            pass
        s.close()
PY
sleep 0.3
if [ "$(grep -c "started:" "$work/t1.out")" -ne "$runs_t1" ] ||
   [ "$(grep -c "started:" "$work/n1.out")" -ne "$runs_n1" ] ||
   ! kill -0 "$pid_t1" 2>/dev/null || ! kill -0 "$pid_n1" 2>/dev/null; then
  echo "FAIL stranger: a node spawned something or died"; cat "$work/t1.out"; fails=$((fails + 1))
else
  echo "ok   stranger's bytes over TCP (TLS node and plain node): nothing spawned, nodes up"
fi
check "TLS: after the stranger, the node still serves its driver" 0 "result    PASS" \
  "$bin" run tests/data/dist/echo-one-node.yaml --nodes "$tls" --certs "$work/ca-a"
check "a node refuses plain TCP on a reachable address" 2 "reachable from other hosts" \
  "$bin" node --listen 0.0.0.0:0 --name open
check "node --certs with missing files is bad input" 2 "does not exist" \
  "$bin" node --listen 127.0.0.1:0 --certs "$work/nowhere"

# A node killed mid-run: exit 3 naming it, well inside the time limit.
( sleep 0.8; kill -9 "$pid_n2" ) &
check "node killed mid-run" 3 "INCOMPLETE  node n2 \(127.0.0.1:$port_n2\) was lost mid-run" \
  "$bin" run scenarios/ecommerce/happy-path.yaml --nodes "$nodes"
check "node unreachable" 3 "cannot reach node n2" \
  "$bin" run scenarios/ecommerce/happy-path.yaml --nodes "$nodes"
check "placement names a node without address" 2 "gives no address" \
  "$bin" run scenarios/ecommerce/happy-path.yaml --nodes "n1=127.0.0.1:$port_n1"

# A node stopped with SIGTERM shuts down cleanly.
kill -TERM "$pid_n1"
for _ in $(seq 1 100); do kill -0 "$pid_n1" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$pid_n1" 2>/dev/null || ! grep -q "stopped" "$work/n1.out"; then
  echo "FAIL node n1 did not stop cleanly"; cat "$work/n1.out"; fails=$((fails + 1))
else
  echo "ok   node stops cleanly on SIGTERM"
fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
