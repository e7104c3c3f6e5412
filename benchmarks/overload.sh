#!/usr/bin/env bash
# Runs an open-model benchmark above capacity and samples the process's
# resident memory every few seconds, to show whether memory plateaus (the
# work in flight is bounded) or keeps growing with the run.
#
#   bash benchmarks/overload.sh [PROTOCOL] [RATE] [SECONDS] [TIMEOUT]
#   # defaults: ecommerce 400 (per second) 180 (seconds of arrivals) 5s
#
# Prints the bench's report, then "t_s rss_mb" every 5 s, and writes both to
# benchmarks/results/overload-<protocol>.txt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
protocol=${1:-ecommerce}
rate=${2:-400}
seconds=${3:-180}
timeout=${4:-5s}
bin=${PROTOBED:-$root/build/bin/protobed}
out=$root/benchmarks/results/overload-$protocol.txt
mkdir -p "$(dirname "$out")"
transactions=$((rate * seconds))
extra=()
[ "$protocol" = ecommerce ] && extra=(--no-key-pool --session-key-bits 1024)
"$bin" bench "$protocol" --rate "$rate" --transactions "$transactions" --timeout "$timeout" \
  "${extra[@]}" --echo 0 >"$out.report" 2>/dev/null &
pid=$!
samples=()
t=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$rss" ] && samples+=("$t $((rss / 1024))")
  sleep 5
  t=$((t + 5))
done
wait "$pid" || true
{
  echo "# protobed bench $protocol --rate $rate --transactions $transactions --timeout $timeout ${extra[*]} --echo 0"
  cat "$out.report"
  echo "# resident memory while it ran"
  echo "t_s rss_mb"
  printf '%s\n' "${samples[@]}"
} | tee "$out"
rm -f "$out.report"
