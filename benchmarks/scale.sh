#!/usr/bin/env bash
# Sweeps concurrency for any protocol's built-in workload and writes a CSV and
# an SVG plot of throughput and p99 latency against the number of clients.
#
#   bash benchmarks/scale.sh [PROTOCOL] [MAX_CLIENTS] [OUT_DIR]
#   # defaults: ecommerce 256 benchmarks/results -> OUT_DIR/scale-PROTOCOL.{csv,svg}
#
# Clients go 1, 2, 4 ... MAX_CLIENTS. Each point runs
#   protobed bench PROTOCOL --clients C --transactions max(MIN, PER_CLIENT * C)
# so that the measured window sees steady concurrency. PER_CLIENT and MIN
# default per protocol (a purchase costs ~10 ms of crypto, a message ~1 ms)
# and can be set in the environment. PLOT_ONLY=1 redraws the plot from an
# existing CSV without measuring. PROTOBED names the binary (default
# build/bin/protobed). With a key pool (e-commerce) the pool of C × PER_CLIENT
# session keys is made on one thread before each run (~35 ms a key).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PROTOBED:-${PROTOBED_BIN:-$root/build/bin/protobed}}
protocol=${1:-ecommerce}
max=${2:-256}
out=${3:-$root/benchmarks/results}
case "$protocol" in
  ecommerce) per_client=8 min=400 ;;
  purchase) per_client=60 min=2000 ;;
  *) per_client=150 min=4000 ;;
esac
per_client=${PER_CLIENT:-$per_client}
min=${MIN:-$min}
case "$max" in '' | *[!0-9]* | 0)
  echo "scale: MAX_CLIENTS must be a whole number of at least 1, not '$max'" >&2
  exit 2 ;;
esac
if ! "$bin" bench --help | grep -qE "^  $protocol( |$)"; then
  echo "scale: '$protocol' is not a protocol with a workload; try: $("$bin" bench --help |
    awk '/^Targets:/ {on=1; next} on && /^  [a-z]/ && $1 != "crypto" {printf "%s ", $1}')" >&2
  exit 2
fi
mkdir -p "$out"
csv="$out/scale-$protocol.csv"
svg="$out/scale-$protocol.svg"
plot_only=${PLOT_ONLY:-0}
[ "$plot_only" = 1 ] ||
  echo "clients,transactions,tps,p50_ms,p99_ms,efficiency,crypto_share,utilisation,cpu_ms_per_tx,sustained_tps,peak_rss_mb,other_load" >"$csv"

field() { # name json -> value of a top-level number
  sed -nE "s/^  \"$1\": ([0-9.eE+-]+|null),?$/\1/p" <<<"$2" | head -1
}
nested() { # name json -> value of a number one level down
  sed -nE "s/^    \"$1\": ([0-9.eE+-]+),?$/\1/p" <<<"$2" | head -1
}

c=1
[ "$plot_only" = 1 ] && c=$((max + 1))
while [ "$c" -le "$max" ]; do
  n=$((per_client * c > min ? per_client * c : min))
  echo "scale: $protocol, $c clients, $n transactions" >&2
  json=$("$bin" bench "$protocol" --clients "$c" --transactions "$n" --json --echo 0)
  row="$c,$n,$(field tps "$json"),$(nested p50 "$json"),$(nested p99 "$json")"
  row="$row,$(field efficiency "$json"),$(field crypto_share "$json"),$(field utilisation "$json")"
  row="$row,$(field cpu_ms_per_tx "$json"),$(nested sustained_tps "$json")"
  echo "$row,$(field peak_rss_mb "$json"),$(field other_load "$json")" >>"$csv"
  c=$((c * 2))
done

# The plot: throughput (left axis, blue) and p99 (right axis, red) against clients (log2).
awk -F, -v protocol="$protocol" 'NR > 1 { c[NR]=$1; t[NR]=$3; p[NR]=$5; n=NR; if ($3 > tmax) tmax=$3; if ($5 > pmax) pmax=$5 }
END {
  W=760; H=400; L=70; R=110; T=40; B=50; pw=W-L-R; ph=H-T-B
  xmax = log(c[n])/log(2); if (xmax == 0) xmax = 1
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n", W, H
  printf "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
  printf "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">protobed bench %s: throughput and p99 vs clients</text>\n", L, protocol
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", L, T+ph, L+pw, T+ph
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f618d\"/>\n", L, T, L, T+ph
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\"/>\n", L+pw, T, L+pw, T+ph
  for (i = 2; i <= n; i++) {
    x = L + pw * (log(c[i])/log(2)) / xmax
    printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x, T+ph+18, c[i]
  }
  printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">concurrent clients</text>\n", L+pw/2, H-8
  printf "<text x=\"%d\" y=\"%d\" fill=\"#1f618d\">%.0f tx/s</text>\n", 4, T+4, tmax
  printf "<text x=\"%d\" y=\"%d\" fill=\"#1f618d\">0</text>\n", 50, T+ph
  printf "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\">p99 %.0f ms</text>\n", L+pw+4, T+4, pmax
  for (s = 0; s < 2; s++) {
    path = ""
    for (i = 2; i <= n; i++) {
      x = L + pw * (log(c[i])/log(2)) / xmax
      v = (s == 0) ? t[i] / tmax : p[i] / pmax
      y = T + ph - ph * v
      path = path (i == 2 ? "M" : " L") sprintf("%.1f,%.1f", x, y)
      printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x, y, s == 0 ? "#1f618d" : "#c0392b"
    }
    printf "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", path, s == 0 ? "#1f618d" : "#c0392b"
  }
  printf "</svg>\n"
}' "$csv" >"$svg"
echo "scale: wrote $csv and $svg" >&2
