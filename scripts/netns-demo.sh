#!/usr/bin/env bash
# Multi-host demo on one machine (root only): three network namespaces —
# pb-bank, pb-shop, pb-client — joined by veth links to a bridge, a protobed
# node in each, and the driver in the root namespace running an e-commerce
# scenario across them over mutual TLS: a fresh CA and certificates are made
# for the demo (protobed node --make-certs), each node presents node.pem, the
# driver presents driver.pem, and each trusts only the demo's CA. Everything it
# creates is removed when it ends, also on Ctrl-C or an error.
#
#   sudo bash scripts/netns-demo.sh [SCENARIO]   (default: scenarios/ecommerce/happy-path.yaml)
#
# On a fresh clone it runs scripts/setup.sh first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PROTOBED_BIN:-$root/build/bin/protobed}
scenario=${1:-scenarios/ecommerce/happy-path.yaml}
bridge=pb-br0
subnet=10.99.0
hosts=(bank shop client)   # namespace pb-<host>, node n1, n2, n3
pids=()
certs=$(mktemp -d)

[ "$(id -u)" -eq 0 ] || { echo "netns-demo: needs root (network namespaces)" >&2; exit 2; }
command -v ip >/dev/null || { echo "netns-demo: needs 'ip' (apt-get install iproute2)" >&2; exit 2; }
[ -x "$bin" ] || bash "$root/scripts/setup.sh"   # a fresh clone: install and build first

cleanup() {
  trap - EXIT INT TERM
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  for h in "${hosts[@]}"; do
    ip netns del "pb-$h" 2>/dev/null
    ip link del "pb-$h-br" 2>/dev/null
  done
  ip link del "$bridge" 2>/dev/null
  rm -rf "$certs"
  echo "netns-demo: cleaned up"
}
trap cleanup EXIT INT TERM

echo "netns-demo: building $bridge ($subnet.1/24) and namespaces ${hosts[*]/#/pb-}"
ip link add "$bridge" type bridge
ip addr add "$subnet.1/24" dev "$bridge"
ip link set "$bridge" up
i=11
for h in "${hosts[@]}"; do
  ip netns add "pb-$h"
  ip link add "pb-$h-br" type veth peer name "pb-$h-eth"
  ip link set "pb-$h-br" master "$bridge" up
  ip link set "pb-$h-eth" netns "pb-$h"
  ip -n "pb-$h" addr add "$subnet.$i/24" dev "pb-$h-eth"
  ip -n "pb-$h" link set "pb-$h-eth" up
  ip -n "pb-$h" link set lo up
  i=$((i + 1))
done

"$bin" node --make-certs "$certs" >/dev/null
echo "netns-demo: made a CA and node and driver certificates in $certs"
nodes=""
n=1
i=11
for h in "${hosts[@]}"; do
  out=$(mktemp)
  ip netns exec "pb-$h" "$bin" node --listen "$subnet.$i:4001" --name "n$n" --certs "$certs" >"$out" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q "listening" "$out" && break; sleep 0.05; done
  echo "netns-demo: pb-$h: $(head -1 "$out")"
  nodes+="${nodes:+,}n$n=$subnet.$i:4001"
  n=$((n + 1))
  i=$((i + 1))
done

echo "netns-demo: protobed run $scenario --nodes $nodes --certs $certs"
cd "$root"
"$bin" run "$scenario" --nodes "$nodes" --certs "$certs"
