#!/usr/bin/env bash
# Rediscovering the switched-off checks: for each check switch of each
# protocol, explores the protocol's lossy-network.yaml with that one check
# off and no other hint, and prints a table: did explore find a failure, at
# which seed, how long it took, what broke, and how many drawn items the
# failure needs (0: the file's own faults break it without any).
#
#   bash scripts/rediscover.sh [PROTOCOL...] [--seeds N] [--jobs J] [--only SWITCH,...]
#                              [--with SWITCH,...]
#
# PROTOCOL: ecommerce, messaging, micropay, purchase (default: every protocol
# with a scenarios/PROTOCOL/lossy-network.yaml). A check switch is, from
# `protobed list --json`, a bool option of a role the file's participants play
# that defaults to true (set to false), or an integer limit its doc says 0
# turns off ("0: none", "0: no limit", "0: never"; set to 0); it is switched
# off for every participant playing the role. --only keeps the switches
# named ROLE.OPTION or OPTION (e.g. --only opd.check_replays,verify_receipts).
# --with turns these switches off too in every row (a check another one
# masks: --with durable_orders --only skew_margin), and gives them no row.
# --seeds N (default 200) seeds from 1, --jobs J (default 2) workers.
# Reports and reproducers go to $REDISCOVER_OUT (default rediscover-out/).
# Exit code: 0 (the table is the result), 2 bad input.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${PROTOBED:-$root/build/bin/protobed}
out=${REDISCOVER_OUT:-rediscover-out}
seeds=200
jobs=2
only=""
with=""
protocols=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds=${2:?--seeds needs a number}; shift 2 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --only) only=${2:?--only needs SWITCH,...}; shift 2 ;;
    --with) with=${2:?--with needs SWITCH,...}; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "rediscover.sh: unknown option '$1'" >&2; exit 2 ;;
    *) protocols+=("$1"); shift ;;
  esac
done
case "$seeds$jobs" in *[!0-9]*) echo "rediscover.sh: --seeds and --jobs take numbers" >&2; exit 2 ;; esac
[ -x "$bin" ] || { echo "rediscover.sh: no protobed at $bin (build it, or set PROTOBED)" >&2; exit 2; }
if [ ${#protocols[@]} -eq 0 ]; then
  for f in "$root"/scenarios/*/lossy-network.yaml; do
    protocols+=("$(basename "$(dirname "$f")")")
  done
fi
mkdir -p "$out"
"$bin" list --json >"$out/list.json"

# One line per switch: LABEL<TAB>--set A --set B ...
switches_of() {
  python3 - "$out/list.json" "$1" "$only" "$with" <<'EOF'
import json, re, sys, yaml
roles = {r["name"]: r for r in json.load(open(sys.argv[1]))["roles"]}
doc = yaml.safe_load(open(sys.argv[2]))
only = [s for s in sys.argv[3].split(",") if s]
also = [s for s in sys.argv[4].split(",") if s]

def members(name, spec):
    """A participant, or the members of a `group: N` entry."""
    if "group" not in spec:
        return [name]
    first = int(spec.get("from", 1))
    pattern = spec["name"]
    def fill(i):
        return re.sub(r"\{i(?::0(\d+))?\}",
                      lambda m: str(i).zfill(int(m.group(1))) if m.group(1) else str(i), pattern)
    return [fill(i) for i in range(first, first + int(spec["group"]))]

players = {}  # role -> participants, in file order
for name, spec in doc["participants"].items():
    players.setdefault(spec["role"], []).extend(members(name, spec))
off_words = re.compile(r"\b0(?::| =| means)\s*(none|no limit|never|off)\b")
rows = []  # (short.name, label, sets)
for role, who in players.items():
    if role == "attacker" or role not in roles:
        continue
    short = role.split(".")[-1]
    for o in roles[role]["options"]:
        if o["type"] == "bool" and o["default"] == "true":
            off = "false"
        elif o["type"] == "integer" and off_words.search(o["doc"]):
            off = "0"
        else:
            continue
        label = (who[0] if len(who) == 1 else f"{who[0]}…{who[-1]}") + f".{o['name']}={off}"
        sets = " ".join(f"--set {p}.{o['name']}={off}" for p in who)
        rows.append((short, o["name"], label, sets))
named = lambda names, short, name: f"{short}.{name}" in names or name in names
extra = [r for r in rows if named(also, r[0], r[1])]
for short, name, label, sets in rows:
    if (only and not named(only, short, name)) or named(also, short, name):
        continue
    for _, _, xlabel, xsets in extra:
        label, sets = f"{label} + {xlabel}", f"{sets} {xsets}"
    print(f"{label}\t{sets}")
EOF
}

echo "rediscover: $(date -u '+%Y-%m-%d %H:%M UTC'), --seeds $seeds --jobs $jobs"
echo
echo "| protocol | switch | found | seeds until the first failure | seconds | invariant broken (seeds) | shrunk to |"
echo "|---|---|---|---|---|---|---|"
for p in "${protocols[@]}"; do
  file="$root/scenarios/$p/lossy-network.yaml"
  [ -f "$file" ] || { echo "rediscover.sh: no $file" >&2; exit 2; }
  while IFS=$'\t' read -r label sets; do
    [ -n "$label" ] || continue
    tag="$p.${label//…/-}"
    report="$out/$tag.json"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # $sets is a list of --set words
    "$bin" explore "$file" $sets --seeds "$seeds" --jobs "$jobs" --out "$out/$tag" \
      --report "$report" >"$out/$tag.txt" 2>&1 || true
    end=$(date +%s.%N)
    python3 - "$report" "$p" "$label" "$start" "$end" <<'EOF'
import json, sys
path, protocol, label, start, end = sys.argv[1:6]
seconds = f"{float(end) - float(start):.0f}"
row = f"| {protocol} | `{label}` |"
try:
    doc = json.load(open(path))[0]
except (OSError, ValueError, IndexError):
    print(f"{row} error (see {path[:-5]}.txt) | — | {seconds} | — | — |")
    sys.exit(0)
failures = doc["failures"]
if not failures:
    print(f"{row} no | — | {seconds} | — | — |")
    sys.exit(0)
lowest = [min(f["seeds"]) for f in failures if f["seeds"]]
until = min(lowest) - doc["from"] + 1 if lowest else "—"
names = ", ".join(f"`{f['name']}` ({f['count']})" for f in failures)
# 0 items: the file's own faults break it, no drawn fault or action is needed.
sizes = sorted({f.get("minimal_items") for f in failures if f.get("minimal_items") is not None})
shrunk = ", ".join(f"{n} (the file's own faults)" if n == 0 else str(n) for n in sizes) or "—"
print(f"{row} yes | {until} | {seconds} | {names} | {shrunk} |")
EOF
  done < <(switches_of "$file")
done
