#!/usr/bin/env bash
# bench.sh — the figures of issue 11. Builds perfeval, the workload
# generator (scripts/benchgen) and, in a scratch module, the excelize floor
# and the raw-XML floor from ../shared/bench (never copied into this
# repository); generates the stress workbook (200 leaf indicators × N
# departments) at each size and batches of small workbooks; runs perfeval
# and the floor alternately, RUNS times each, and prints the median wall
# time (the clock around each run), peak RSS and CPU time (/usr/bin/time)
# of each, and their ratios (the cores a run kept busy are its median CPU
# time over its median wall time; --split's cost per file is given in
# both, the CPU time varying far less from run to run); and the
# openpyxl peer when /usr/bin/python3 has openpyxl. Timings are measured
# here, never asserted in tests.
#
# usage: scripts/bench.sh [-n RUNS] [-s "SIZES"] [-b "BATCHES"] [-S "SHAPES"] [-P] [-k]
#   -n  runs per measurement, the median is shown (default 3)
#   -s  stress sizes in departments (default "1000 2500 5000 10000 20000")
#   -b  batch sizes in workbooks (default "50 500")
#   -S  other shapes of a million score cells (default "deep tall sheets";
#       see benchgen shape)
#   -P  skip the openpyxl peer
#   -k  keep the work folder and print its path
# env: BENCH_SHARED (default ../shared/bench), PEER_SIZES (default 5000),
#      SPLIT_SIZE (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

runs=3 sizes="1000 2500 5000 10000 20000" batches="50 500" shapes="deep tall sheets" peer=1 keep=0
while getopts "n:s:b:S:Pk" opt; do
  case $opt in
    n) runs=$OPTARG ;;
    s) sizes=$OPTARG ;;
    b) batches=$OPTARG ;;
    S) shapes=$OPTARG ;;
    P) peer=0 ;;
    k) keep=1 ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
  esac
done
shared=${BENCH_SHARED:-$repo/../shared/bench}
peer_sizes=${PEER_SIZES:-5000}
split_size=${SPLIT_SIZE:-5000}

[ -x /usr/bin/time ] || { echo "bench.sh: /usr/bin/time is missing" >&2; echo "hint: apt-get install -y time" >&2; exit 1; }
[ -f "$shared/floor.go" ] || { echo "bench.sh: no floor.go in $shared (set BENCH_SHARED)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
if [ "$keep" = 1 ]; then echo "work folder: $work" >&2; else trap 'rm -rf "$work"' EXIT; fi
bin=$work/bin
mkdir -p "$bin"

echo "building…" >&2
go build -o "$bin/perfeval" .
go build -o "$bin/benchgen" ./scripts/benchgen
excelize=$(go list -m -f '{{.Version}}' github.com/xuri/excelize/v2)
mkdir -p "$work/floor/floor" "$work/floor/rawfloor"
cp "$shared/floor.go" "$work/floor/floor/"
cp "$shared/rawfloor.go" "$work/floor/rawfloor/"
printf 'module benchfloor\n\ngo 1.26.0\n\nrequire github.com/xuri/excelize/v2 %s\n' "$excelize" > "$work/floor/go.mod"
cp go.sum "$work/floor/go.sum"
(cd "$work/floor" && GOFLAGS=-mod=mod go build -o "$bin/floor" ./floor && go build -o "$bin/rawfloor" ./rawfloor)
python=0
if [ "$peer" = 1 ] && [ -f "$shared/openpyxl_peer.py" ] && /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then python=1; fi

# measure NAME CMD...: runs CMD, appends "seconds kilobytes cpu-seconds"
# to $work/m/NAME (the CPU time is user and system together).
mkdir -p "$work/m"
# The wall time is taken from the clock's nanoseconds around the run, not
# from /usr/bin/time, whose 10 ms steps were 0.42 ms per file in the
# 24-department --split figure.
measure() {
  local name=$1; shift
  local out="$work/m/$name.out" start end
  start=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$work/m/$name.time" "$@" >"$out" 2>&1; then
    echo "bench.sh: $name failed: $*" >&2; tail -5 "$out" >&2
  fi
  end=$(date +%s%N)
  echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(tail -1 "$work/m/$name.time" | awk '{ printf "%s %.2f", $1, $2 + $3 }')" >> "$work/m/$name"
}
# median NAME: "seconds MB cpu-seconds" medians of the runs of NAME.
median() {
  local n; n=$(wc -l < "$work/m/$1")
  local t m c
  t=$(cut -d' ' -f1 "$work/m/$1" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  m=$(cut -d' ' -f2 "$work/m/$1" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  c=$(cut -d' ' -f3 "$work/m/$1" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  echo "$t $(( m / 1024 )) $c"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

row() { # LABEL NAME [BASE]: one line of the table; cores is CPU time over wall time
  local label=$1 a b u
  read -r a b u < <(median "$2")
  if [ -n "${3:-}" ]; then
    local c d; read -r c d _ < <(median "$3")
    printf '%-34s %9ss %7s MB %5s cores   %6s× time %6s× memory\n' "$label" "$a" "$b" "$(ratio "$u" "$a")" "$(ratio "$a" "$c")" "$(ratio "$b" "$d")"
  else
    printf '%-34s %9ss %7s MB %5s cores\n' "$label" "$a" "$b" "$(ratio "$u" "$a")"
  fi
}

# fresh_out: no output folder for the next measurement. The last one is
# moved aside, not deleted: on a filesystem without a journal (this
# machine's), ext4 does not reuse an inode deleted in the last half
# minute, and each new file scans past every one, so deleting the 5,000
# files of a --split right before the next made that run take 18.6 s
# instead of 13.3 s. The moved folders go with the work folder.
moved=0
fresh_out() {
  if [ -e "$work/out" ]; then
    moved=$((moved + 1))
    mkdir -p "$work/old"
    mv "$work/out" "$work/old/out$moved"
  fi
}

# against_floor NAME FILE: perfeval run on FILE, then the floor, measured
# as runNAME and floorNAME.
against_floor() {
  fresh_out
  measure "run$1" "$bin/perfeval" run "$2" --out "$work/out"
  measure "floor$1" "$bin/floor" "$2"
}

for n in $sizes; do
  echo "stress workbook, $n departments…" >&2
  "$bin/benchgen" stress "$n" "$work/s$n.xlsx"
  for _ in $(seq "$runs"); do
    against_floor "$n" "$work/s$n.xlsx"
    measure "check$n" "$bin/perfeval" check "$work/s$n.xlsx"
    measure "raw$n" "$bin/rawfloor" "$work/s$n.xlsx"
  done
  if [ "$python" = 1 ] && [[ " $peer_sizes " == *" $n "* ]]; then
    for _ in $(seq "$runs"); do
      rm -rf "$work/peer"; mkdir -p "$work/peer"
      measure "peer$n" /usr/bin/python3 "$shared/openpyxl_peer.py" "$work/peer" "$work/s$n.xlsx"
    done
  fi
  if [ "$n" = "$split_size" ]; then
    for _ in $(seq "$runs"); do
      fresh_out
      measure "split$n" "$bin/perfeval" run "$work/s$n.xlsx" --out "$work/out" --split
    done
  fi
done

for k in $shapes; do
  echo "shape $k…" >&2
  "$bin/benchgen" shape "$k" "$work/shape-$k.xlsx"
  for _ in $(seq "$runs"); do
    against_floor "$k" "$work/shape-$k.xlsx"
  done
done

# --split on a 24-department workbook of the same shape: the per-file cost
# to compare with (the same files, each department's 200 leaves). A run
# this short is measured three times as often.
"$bin/benchgen" stress 24 "$work/s24.xlsx"
for _ in $(seq $((3 * runs))); do
  fresh_out
  measure split24 "$bin/perfeval" run "$work/s24.xlsx" --out "$work/out" --split
  fresh_out
  measure run24 "$bin/perfeval" run "$work/s24.xlsx" --out "$work/out"
done

for n in $batches; do
  echo "batch of $n small workbooks…" >&2
  "$bin/benchgen" batch "$n" "$work/b$n"
  for _ in $(seq "$runs"); do
    fresh_out
    measure "batch${n}j1" "$bin/perfeval" run "$work/b$n" --out "$work/out" --jobs 1
    fresh_out
    measure "batch${n}j2" "$bin/perfeval" run "$work/b$n" --out "$work/out" --jobs 2
    fresh_out
    GOMAXPROCS=1 measure "batch${n}p1" "$bin/perfeval" run "$work/b$n" --out "$work/out" --jobs 1
    fresh_out
    measure "batch${n}rep" "$bin/perfeval" run "$work/b$n" --out "$work/out" --jobs 2 --report "$work/out/report.json"
    measure "batch${n}chk" "$bin/perfeval" check "$work/b$n"
    measure "batchfloor$n" "$bin/floor" "$work/b$n"/*.xlsx
    # The machine's own reference for two jobs: the floor in two processes
    # side by side, each on half of the batch. Its peak memory is the two
    # processes' together (each measured by its own /usr/bin/time).
    files=("$work/b$n"/*.xlsx)
    measure "batchfloor2p$n" bash -c 'f=$1 h=$2 m=$3; shift 3
      /usr/bin/time -f %M -o "$m.a" "$f" "${@:1:h}" & p=$!
      /usr/bin/time -f %M -o "$m.b" "$f" "${@:h+1}"; r=$?
      wait "$p" || r=1; exit "$r"' _ "$bin/floor" "$(( ${#files[@]} / 2 ))" "$work/m/floor2p" "${files[@]}"
    kb=$(( $(tail -1 "$work/m/floor2p.a") + $(tail -1 "$work/m/floor2p.b") ))
    sed -i '$ s/^\([0-9.]*\) [0-9]* /\1 '"$kb"' /' "$work/m/batchfloor2p$n"
  done
done

echo
echo "perfeval $(git describe --always --dirty 2>/dev/null || echo '?'), excelize $excelize, $(nproc) CPUs, median of $runs"
echo "stress: 200 leaf indicators × N departments; ratios against the excelize floor unless named"
for n in $sizes; do
  echo "— $n departments"
  row "floor (excelize)" "floor$n"
  row "raw XML read" "raw$n"
  row "perfeval run" "run$n" "floor$n"
  row "perfeval check" "check$n" "floor$n"
  row "perfeval run vs raw read" "run$n" "raw$n"
  if [ -f "$work/m/peer$n" ]; then
    row "openpyxl peer" "peer$n"
    read -r pt _ < <(median "peer$n"); read -r rt _ < <(median "run$n")
    printf '%-34s %9s× faster than the peer\n' "perfeval run" "$(ratio "$pt" "$rt")"
  fi
  if [ -f "$work/m/split$n" ]; then
    row "perfeval run --split" "split$n" "floor$n"
    read -r st _ sc < <(median "split$n"); read -r rt _ rc < <(median "run$n")
    read -r s24 _ c24 < <(median split24); read -r r24 _ rc24 < <(median run24)
    perfile() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (a - b) * 1000 / n }'; }
    printf '%-34s %9s ms per department file (24-department workbook: %s ms)\n' "--split cost" \
      "$(perfile "$st" "$rt" "$n")" "$(perfile "$s24" "$r24" 24)"
    printf '%-34s %9s ms per department file (24-department workbook: %s ms)\n' "--split CPU time" \
      "$(perfile "$sc" "$rc" "$n")" "$(perfile "$c24" "$rc24" 24)"
  fi
done
for k in $shapes; do
  echo "— shape $k (benchgen shape $k)"
  row "floor (excelize)" "floor$k"
  row "perfeval run" "run$k" "floor$k"
done
first=${sizes%% *} last=${sizes##* }
if [ "$first" != "$last" ]; then
  read -r t1 m1 _ < <(median "run$first"); read -r t2 m2 _ < <(median "run$last")
  printf 'growth %s → %s departments: %s× time, %s× memory (%s KB per department)\n' "$first" "$last" \
    "$(ratio "$t2" "$t1")" "$(ratio "$m2" "$m1")" "$(awk -v a="$m1" -v b="$m2" -v x="$first" -v y="$last" 'BEGIN { printf "%.1f", (b - a) * 1024 / (y - x) }')"
fi
for n in $batches; do
  echo "— batch of $n small workbooks (24 departments each)"
  row "floor (excelize)" "batchfloor$n"
  row "perfeval run --jobs 1" "batch${n}j1" "batchfloor$n"
  row "perfeval run --jobs 2" "batch${n}j2" "batchfloor$n"
  row "perfeval run --jobs 1, one core" "batch${n}p1" "batchfloor$n"
  row "floor, two processes, half each" "batchfloor2p$n" "batchfloor$n"
  row "perfeval run --jobs 2 --report" "batch${n}rep" "batchfloor$n"
  row "perfeval check" "batch${n}chk" "batchfloor$n"
  read -r a _ < <(median "batch${n}j1"); read -r b _ < <(median "batch${n}j2"); read -r c _ < <(median "batch${n}p1")
  printf '%-34s %9s× faster with 2 jobs (%s× than one job on one core)\n' "" "$(ratio "$a" "$b")" "$(ratio "$c" "$b")"
  read -r a _ < <(median "batchfloor$n"); read -r b _ < <(median "batchfloor2p$n")
  printf '%-34s %9s× faster in two processes (the machine'"'"'s reference for two jobs)\n' "floor" "$(ratio "$a" "$b")"
done
set -- $batches
if [ $# -ge 2 ]; then
  for j in 1 2; do
    read -r _ m1 _ < <(median "batch${1}j$j"); read -r _ m2 _ < <(median "batch${!#}j$j")
    printf 'batch memory %s → %s workbooks, --jobs %s: %s×\n' "$1" "${!#}" "$j" "$(ratio "$m2" "$m1")"
  done
  for k in rep:"run --jobs 2 --report" chk:check; do
    read -r _ m1 _ < <(median "batch${1}${k%%:*}"); read -r _ m2 _ < <(median "batch${!#}${k%%:*}")
    printf 'batch memory %s → %s workbooks, %s: %s×\n' "$1" "${!#}" "${k#*:}" "$(ratio "$m2" "$m1")"
  done
fi
