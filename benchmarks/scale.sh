#!/usr/bin/env bash
# Sweeps concurrency for the e-commerce workload and writes a CSV and an SVG
# plot of throughput and p99 latency against the number of clients.
#
#   bash benchmarks/scale.sh [OUT_DIR] [MAX_CLIENTS]     (defaults: benchmarks/results, 256)
#
# PLOT_ONLY=1 redraws the plot from an existing CSV without measuring.
# Each point: protobed bench ecommerce --clients C --transactions max(400, 8C): eight
# purchases per client, so that the measured window sees steady concurrency. (The
# session-key pool is made single-threaded before each run: 8C RSA keys, ~37 ms each.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PROTOBED_BIN:-$root/build/bin/protobed}
out=${1:-$root/benchmarks/results}
max=${2:-256}
mkdir -p "$out"
csv="$out/scale.csv"
plot_only=${PLOT_ONLY:-0}   # PLOT_ONLY=1: redraw the SVG from an existing CSV
[ "$plot_only" = 1 ] || echo "clients,transactions,tps,p50_ms,p99_ms,efficiency,cpu_ms_per_tx,peak_rss_mb" >"$csv"

field() { # name json -> value
  sed -nE "s/^  \"$1\": ([0-9.eE+-]+),?$/\1/p" <<<"$2" | head -1
}
latency() { # key json -> value
  sed -nE "s/^    \"$1\": ([0-9.eE+-]+),?$/\1/p" <<<"$2" | head -1
}

c=1
[ "$plot_only" = 1 ] && c=$((max + 1))
while [ "$c" -le "$max" ]; do
  n=$((8 * c > 400 ? 8 * c : 400))
  echo "scale: $c clients, $n transactions" >&2
  json=$("$bin" bench ecommerce --clients "$c" --transactions "$n" --json --echo 0)
  echo "$c,$n,$(field tps "$json"),$(latency p50 "$json"),$(latency p99 "$json"),$(field efficiency "$json"),$(field cpu_ms_per_tx "$json"),$(field peak_rss_mb "$json")" >>"$csv"
  c=$((c * 2))
done

# The plot: throughput (left axis, blue) and p99 (right axis, red) against clients (log2).
awk -F, 'NR > 1 { c[NR]=$1; t[NR]=$3; p[NR]=$5; n=NR; if ($3 > tmax) tmax=$3; if ($5 > pmax) pmax=$5 }
END {
  W=760; H=400; L=70; R=110; T=40; B=50; pw=W-L-R; ph=H-T-B
  xmax = log(c[n])/log(2); if (xmax == 0) xmax = 1
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n", W, H
  printf "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
  printf "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">protobed bench ecommerce: throughput and p99 vs clients</text>\n", L
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
}' "$csv" >"$out/scale.svg"
echo "scale: wrote $csv and $out/scale.svg" >&2
