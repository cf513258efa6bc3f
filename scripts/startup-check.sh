#!/usr/bin/env bash
# Measures how long the real app takes, from process start, to show its
# window and then its activation grid, under Xvfb, by photographing the
# screen: a loop takes an X screenshot (xwd) every POLL seconds from the
# moment the process starts; afterwards each shot is judged:
#   window: the screen is no longer Xvfb's black root (mean grey > 8 of 255:
#           the window is mapped and painted);
#   grid:   the grid area (right of the side panel, below the tabs) has turned
#           viridis-teal (mean green − mean red > 12), i.e. the activation
#           tiles of the first frame are on screen.
# A shot's time is when its capture started, so each figure is accurate to
# about one capture (≈ 15–30 ms here) plus POLL. Beside each time the app's
# CPU time so far (/proc/PID/stat, 10 ms ticks) is printed: on a loaded
# machine wall time mostly measures the other processes, CPU time does not.
#
#   scripts/startup-check.sh BINARY [RUNS] [-- ARGS...]
#
# RUNS (default 5) fresh starts, each with an empty $HOME (no preferences,
# first-run state: Fyne builds its font cache); with WARM=1 they share one
# $HOME that an unmeasured start has warmed (a returning user). Prints each run's times and the medians, and exits 1 if
# a median is over the targets (WINDOW_MS, default 500; GRID_MS, default 800)
# or a run showed no grid within SECONDS_MAX (default 5) seconds. Needs Xvfb, xwd (x11-apps) and
# ImageMagick's convert. The screenshots of the last run stay in
# $OUT (default /tmp/convscope-startup) for a look.
set -euo pipefail
bin=$1
shift
runs=5
if [[ $# -gt 0 && $1 != -- ]]; then runs=$1; shift; fi
[[ ${1:-} == -- ]] && shift
out=${OUT:-/tmp/convscope-startup}
poll=${POLL:-0.01}
window_limit=${WINDOW_MS:-500} grid_limit=${GRID_MS:-800}
source "$(dirname "$0")/xvfb.sh"
xpid="" apid="" home=""
cleanup() {
  # each step on its own: under set -e a failed kill (the app already
  # gone) must not skip the rest
  if [[ -n "$apid" ]]; then kill "$apid" 2>/dev/null || true; fi
  if [[ -n "$xpid" ]]; then kill "$xpid" 2>/dev/null || true; fi
  if [[ -n "$home" ]]; then rm -rf "$home"; fi
}
trap cleanup EXIT
# -noreset (in start_xvfb): Xvfb otherwise resets when the last client
# leaves, and the next start can meet a server that refuses the display.
start_xvfb || { echo "startup check: no X server"; exit 1; }
xpid=$XVFB_PID

# mean R G B (0–255) of a region of a shot
mean() { convert "$1" -crop "$2" +repage -resize '1x1!' -depth 8 -format '%[fx:int(255*r)] %[fx:int(255*g)] %[fx:int(255*b)]\n' info:; }

windows=() grids=() wcpus=() gcpus=()
if [[ ${WARM:-0} == 1 ]]; then
  home=$(mktemp -d)
  HOME=$home LANG=en_US.UTF-8 "$bin" "$@" >/dev/null 2>&1 &
  apid=$!; sleep 3; kill "$apid"; wait "$apid" 2>/dev/null || true; apid=""
fi
for run in $(seq "$runs"); do
  rm -rf "$out"; mkdir -p "$out"
  [[ ${WARM:-0} == 1 ]] || home=$(mktemp -d)
  t0=$(date +%s%N)
  HOME=$home LANG=en_US.UTF-8 "$bin" "$@" >"$out/app.log" 2>&1 &
  apid=$!
  # Capture for SECONDS_MAX (default 5), judging the shots afterwards so the
  # loop stays light.
  i=0 window="" grid=""
  while (( ($(date +%s%N) - t0) / 1000000 < ${SECONDS_MAX:-5} * 1000 )); do
    ts=$(( ($(date +%s%N) - t0) / 1000000 ))
    # the app's CPU time so far (user + system, clock ticks → ms)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$apid/stat" 2>/dev/null || echo 0)
    xwd -root -silent >"$out/$(printf %05d $i)-$ts-$cpu.xwd" 2>/dev/null || true
    i=$((i + 1))
    sleep "$poll"
  done
  kill -0 "$apid" 2>/dev/null || { echo "startup check: the app exited; log:"; cat "$out/app.log"; exit 1; }
  kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null || true; apid=""
  [[ ${WARM:-0} == 1 ]] || { rm -rf "$home"; home=""; }
  wcpu="" gcpu=""
  for f in "$out"/*.xwd; do
    base=${f##*/}; base=${base%.xwd}
    IFS=- read -r _ ts cpu <<<"$base"
    if [[ -z $window ]]; then
      read -r r g b < <(mean "$f" 1280x800+0+0)
      (( (r + g + b) / 3 > 8 )) && window=$ts wcpu=$cpu
    fi
    if [[ -n $window && -z $grid ]]; then
      read -r r g b < <(mean "$f" 1000x560+265+160)
      if (( g - r > 12 )); then grid=$ts gcpu=$cpu; cp "$f" "$out/grid.xwd"; break; fi
    fi
  done
  echo "run $run: window ${window:-none} ms (app CPU ${wcpu:-?} ms), grid ${grid:-none} ms (app CPU ${gcpu:-?} ms) ($i shots)"
  [[ -z $grid ]] && { echo "startup check: no grid within ${SECONDS_MAX:-5} s"; exit 1; }
  windows+=("$window") grids+=("$grid") wcpus+=("${wcpu:-0}") gcpus+=("${gcpu:-0}")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
mw=$(median "${windows[@]}") mg=$(median "${grids[@]}")
echo "startup check: median of $runs runs: first window ${mw} ms (target ≤ ${window_limit}), first grid ${mg} ms (target ≤ ${grid_limit}); app CPU by then $(median "${wcpus[@]}") and $(median "${gcpus[@]}") ms; load average $(cut -d' ' -f1-3 /proc/loadavg)"
(( mw <= window_limit && mg <= grid_limit )) || { echo "startup check: over target"; exit 1; }
