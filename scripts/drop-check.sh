#!/usr/bin/env bash
# Drops an image onto a running Convscope window as a file manager does and
# checks that the window shows it: under Xvfb, a GTK drag source
# (scripts/drag-source.py) offers a solid red PNG as text/uri-list, xdotool
# drags it onto the window (XDND), and the screenshot after the drop must hold
# thousands more pure-red pixels (the original and the network input) than
# before. Exercises the real wiring, Window.SetOnDropped → open image, that
# Fyne's test driver cannot reach.
#   scripts/drop-check.sh BINARY [SHOT.png]
set -euo pipefail
bin=$1 shot=${2:-/tmp/convscope-drop.png}
dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$dir/xvfb.sh"
xpid="" apid="" spid=""
cleanup() {
  for p in $spid $apid $xpid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT
start_xvfb || { echo "drop check: no X server"; exit 1; }
xpid=$XVFB_PID
fail() { echo "drop check: $*"; echo "app log:"; cat "$work/app.log"; exit 1; }

convert -size 320x240 xc:'#ff0000' "$work/red.png"
# A fresh preferences folder: the window opens at its default size.
HOME=$work LANG=en_US.UTF-8 "$bin" >"$work/app.log" 2>&1 &
apid=$!
wid=$(timeout 60 xdotool search --sync --name '^Convscope' | head -n 1) || fail "no Convscope window within 60 s"
sleep "${SETTLE:-6}"

# red counts the pure-red pixels of a screenshot of the app's window.
red() {
  import -window "$wid" "$1"
  convert "$1" -fuzz 4% -fill white -opaque '#ff0000' -fill black +opaque white -format '%[fx:round(mean*w*h)]' info:
}
before=$(red "$work/before.png")

/usr/bin/python3 "$dir/drag-source.py" "$work/red.png" 1120 700 >"$work/source.log" 2>&1 &
spid=$!
swid=$(timeout 30 xdotool search --sync --name '^convscope-drag-source$' | head -n 1) || { cat "$work/source.log"; fail "the drag source window did not appear"; }
sleep 1
eval "$(xdotool getwindowgeometry --shell "$swid")"
sx=$((X + WIDTH / 2)) sy=$((Y + HEIGHT / 2))
eval "$(xdotool getwindowgeometry --shell "$wid")"
tx=$((X + WIDTH / 3)) ty=$((Y + HEIGHT / 2))
# Press on the source, move past GTK's drag threshold in small steps (each
# step is an XDND position message), then release over the app's window.
xdotool mousemove "$sx" "$sy" mousedown 1
for i in $(seq 1 20); do
  xdotool mousemove $((sx + (tx - sx) * i / 20)) $((sy + (ty - sy) * i / 20))
  sleep 0.05
done
sleep 0.5
xdotool mouseup 1
sleep "${AFTER:-4}"
kill -0 "$apid" 2>/dev/null || fail "the app exited after the drop"
after=$(red "$shot")
echo "drop check: pure-red pixels in the window before the drop $before, after $after"
((after - before > ${MIN_RED:-5000})) || fail "the dropped image is not on screen (screenshot: $shot)"
