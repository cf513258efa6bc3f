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
# about one capture (≈ 15–30 ms here) plus POLL.
#
#   scripts/startup-check.sh BINARY [RUNS] [-- ARGS...]
#
# RUNS (default 5) fresh starts, each with an empty $HOME (no preferences,
# first-run state); prints each run's times and the medians, and exits 1 if
# a median is over the targets (WINDOW_MS, default 500; GRID_MS, default 800)
# or a run showed no grid within SECONDS_MAX (default 3) seconds. Needs Xvfb, xwd (x11-apps) and
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
display=":$((300 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
apid="" home=""
cleanup() {
  [[ -n "$apid" ]] && kill "$apid" 2>/dev/null
  kill "$xpid" 2>/dev/null
  [[ -n "$home" ]] && rm -rf "$home"
  true
}
trap cleanup EXIT
for _ in $(seq 50); do
  [[ -S /tmp/.X11-unix/X${display#:} ]] && break
  sleep 0.1
done
export DISPLAY=$display

# mean R G B (0–255) of a region of a shot
mean() { convert "$1" -crop "$2" +repage -resize '1x1!' -depth 8 -format '%[fx:int(255*r)] %[fx:int(255*g)] %[fx:int(255*b)]\n' info:; }

windows=() grids=()
for run in $(seq "$runs"); do
  rm -rf "$out"; mkdir -p "$out"
  home=$(mktemp -d)
  t0=$(date +%s%N)
  HOME=$home LANG=en_US.UTF-8 "$bin" "$@" >"$out/app.log" 2>&1 &
  apid=$!
  # Capture for SECONDS (default 3), judging the shots afterwards so the
  # loop stays light.
  i=0 window="" grid=""
  while (( ($(date +%s%N) - t0) / 1000000 < ${SECONDS_MAX:-3} * 1000 )); do
    ts=$(( ($(date +%s%N) - t0) / 1000000 ))
    xwd -root -silent >"$out/$(printf %05d $i)-$ts.xwd" 2>/dev/null || true
    i=$((i + 1))
    sleep "$poll"
  done
  kill -0 "$apid" 2>/dev/null || { echo "startup check: the app exited; log:"; cat "$out/app.log"; exit 1; }
  kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null || true; apid=""
  rm -rf "$home"; home=""
  for f in "$out"/*.xwd; do
    ts=${f##*-}; ts=${ts%.xwd}
    if [[ -z $window ]]; then
      read -r r g b < <(mean "$f" 1280x800+0+0)
      (( (r + g + b) / 3 > 8 )) && window=$ts
    fi
    if [[ -n $window && -z $grid ]]; then
      read -r r g b < <(mean "$f" 1000x560+265+160)
      if (( g - r > 12 )); then grid=$ts; cp "$f" "$out/grid.xwd"; break; fi
    fi
  done
  echo "run $run: window ${window:-none} ms, grid ${grid:-none} ms ($i shots)"
  [[ -z $grid ]] && { echo "startup check: no grid within ${SECONDS_MAX:-3} s"; exit 1; }
  windows+=("$window") grids+=("$grid")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
mw=$(median "${windows[@]}") mg=$(median "${grids[@]}")
echo "startup check: median of $runs runs: first window ${mw} ms (target ≤ ${window_limit}), first grid ${mg} ms (target ≤ ${grid_limit}); load average $(cut -d' ' -f1-3 /proc/loadavg)"
(( mw <= window_limit && mg <= grid_limit )) || { echo "startup check: over target"; exit 1; }
