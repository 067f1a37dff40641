#!/usr/bin/env bash
# hostile.sh — the figures of issue 7: builds perfeval and every hostile
# input (perfeval/internal/hostile), runs "perfeval run FILE --out OUT
# --report R.json" on each under /usr/bin/time -v and timeout, and prints
# one line per input: name, size, exit status (expected in brackets), wall
# seconds, peak RSS, the outcome read from the report, the expected one,
# and whether they match. Timings are measured here, never asserted.
#
# usage: scripts/hostile.sh [-j JOBS] [-t SECONDS] [-k] [NAME...]
#   -j  inputs run at once (default 1; timings of parallel runs disturb each other)
#   -t  time limit per input (default 60): then SIGTERM, and SIGKILL 2 s later;
#       a run past it shows exit 124 (stopped by SIGTERM) or 137 (killed).
#       --foreground keeps perfeval a child that timeout reaps, so its peak
#       memory is counted even when it is killed
#   -k  keep the work folder (inputs, outputs, reports, logs) and print its path
#   NAME  only these cases (scripts/hostile/main.go list shows them)
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=1 limit=60 keep=0
while getopts "j:t:k" opt; do
  case $opt in
    j) jobs=$OPTARG ;;
    t) limit=$OPTARG ;;
    k) keep=1 ;;
    *) echo "usage: scripts/hostile.sh [-j JOBS] [-t SECONDS] [-k] [NAME...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

if [ ! -x /usr/bin/time ]; then
  echo "hostile.sh: /usr/bin/time is missing" >&2
  echo "hint: apt-get install -y time" >&2
  exit 1
fi
command -v timeout >/dev/null || { echo "hostile.sh: timeout (coreutils) is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
if [ "$keep" = 1 ]; then
  echo "work folder: $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi

go build -o "$work/perfeval" .
go build -o "$work/hostile" ./scripts/hostile
"$work/hostile" make "$work/cases" "$@" >"$work/cases.tsv"

# run_one NAME WANT_EXIT PATH... writes the case's line to its folder.
run_one() {
  local name=$1 want=$2
  shift 2
  local dir=$work/cases/$name size code wall rss outcome
  size=$(find "$dir/in" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  mkdir -p "$dir/tmp"
  set +e
  TMPDIR=$dir/tmp /usr/bin/time -v -o "$dir/time.txt" \
    timeout --foreground -k 2 "$limit" "$work/perfeval" run --out "$dir/out" --report "$dir/report.json" -- "$@" \
    >"$dir/stdout" 2>"$dir/stderr"
  code=$?
  set -e
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f", s }' "$dir/time.txt")
  rss=$(awk '/Maximum resident set size/ { printf "%.0f", $NF / 1024 }' "$dir/time.txt")
  if [ -s "$dir/report.json" ]; then
    outcome=$("$work/hostile" check "$name" "$dir/report.json")
  else
    outcome=$(printf '(no report)\t%s\tno' "$("$work/hostile" list | awk -F'\t' -v n="$name" '$1 == n { print $2 }')")
  fi
  if [ "$code" != "$want" ]; then
    outcome=${outcome%	*}$'\t'no
  fi
  printf '%s\t%s\t%s [%s]\t%s\t%s\t%s\n' "$name" "$size" "$code" "$want" "$wall" "$rss" "$outcome" >"$dir/line"
}

while IFS=$'\t' read -r -a f; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "${f[@]}" &
done <"$work/cases.tsv"
wait

{
  printf 'file\tbytes\texit [want]\twall s\tpeak MB\tgot\twant\tmatch\n'
  while IFS=$'\t' read -r name _; do cat "$work/cases/$name/line"; done <"$work/cases.tsv"
} | column -t -s $'\t'
