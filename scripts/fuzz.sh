#!/usr/bin/env bash
# Fuzzes one target with libFuzzer for SECONDS, in a clang build of its own
# (build-fuzz/, ASan + UBSan + coverage), starting from the seed corpora.
# New inputs go to fuzz/corpus/TARGET (kept between runs); a crash is written
# to fuzz/crashes/ and ends the run with exit 1.
#
#   bash scripts/fuzz.sh TARGET SECONDS    # TARGET: one of --list
#   bash scripts/fuzz.sh --list
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PROTOBED_FUZZ_BUILD:-$root/build-fuzz}
targets="codec ecommerce messaging micropay purchase crypto scenario ecommerce_stateful messaging_stateful micropay_stateful purchase_stateful"

case "${1:-}" in
  --list) echo "$targets"; exit 0 ;;
  -h|--help|"") sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
target=$1
seconds=${2:?"fuzz.sh: give the seconds to run, e.g. bash scripts/fuzz.sh $target 60"}
case " $targets " in *" $target "*) ;; *) echo "fuzz.sh: unknown target '$target' (one of: $targets)" >&2; exit 2 ;; esac

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: needs clang++ and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
CXX=clang++ CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROTOBED_SANITIZE=ON -DPROTOBED_FUZZ=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target "fuzz_$target" make_seeds >/dev/null
"$build/tests/make_seeds" "$build/fuzz-seeds" "$root/scenarios"
corpus=$root/fuzz/corpus/$target
mkdir -p "$corpus" "$root/fuzz/crashes"
"$build/tests/fuzz_$target" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$root/fuzz/crashes/$target-" "$corpus" "$build/fuzz-seeds/$target"
