#!/usr/bin/env bash
# Starts a Convscope binary under Xvfb, waits for its window, takes a
# screenshot and fails unless the window exists and the picture is not blank.
#   scripts/window-check.sh BINARY SHOT.png [ARGS...]
set -euo pipefail
bin=$1 shot=$2; shift 2
source "$(dirname "$0")/xvfb.sh"
xpid="" apid=""
cleanup() { [[ -n "$apid" ]] && kill "$apid" 2>/dev/null; [[ -n "$xpid" ]] && kill "$xpid" 2>/dev/null; true; }
trap cleanup EXIT
start_xvfb || { echo "window check: no X server"; exit 1; }
xpid=$XVFB_PID display=$DISPLAY
LANG=en_US.UTF-8 DISPLAY=$display "$bin" "$@" >/tmp/convscope-window.log 2>&1 &
apid=$!
if ! wid=$(DISPLAY=$display timeout 60 xdotool search --sync --name '^Convscope' | head -n 1) || [[ -z "$wid" ]]; then
  echo "window check: no Convscope window appeared within 60 s; app log:"; cat /tmp/convscope-window.log; exit 1
fi
sleep "${SETTLE:-6}"
if ! kill -0 "$apid" 2>/dev/null; then
  echo "window check: the app exited; app log:"; cat /tmp/convscope-window.log; exit 1
fi
DISPLAY=$display import -window root "$shot"
window_shot=${shot%.png}-window.png
DISPLAY=$display import -window "$wid" "$window_shot"
# Judge the window alone: a blank window is one flat colour.
sd=$(convert "$window_shot" -colorspace gray -format '%[fx:standard_deviation]' info:)
colors=$(convert "$window_shot" -format '%k' info:)
echo "window check: window found; screenshot $shot, grey std-dev $sd, $colors colours"
if awk "BEGIN{exit !($sd < ${MIN_STDDEV:-0.01} || $colors < ${MIN_COLORS:-16})}"; then
  echo "window check: the screenshot looks blank"; exit 1
fi
