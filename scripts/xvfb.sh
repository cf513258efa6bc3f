# Sourced by the scripts that photograph the app (window-check.sh,
# drop-check.sh, startup-check.sh): start_xvfb starts a private Xvfb on a
# display number that the server picks itself (-displayfd: no clash with a
# server that is still shutting down or with another check running at the same
# time), waits until it accepts connections, and exports DISPLAY and XVFB_PID.
# On a slow or busy machine the server can take seconds to come up; a fixed
# sleep is not enough (a CI run once saw "Can't open display").
#   source scripts/xvfb.sh; start_xvfb [EXTRA XVFB ARGS...]
start_xvfb() {
  local ready
  ready=$(mktemp)
  Xvfb -displayfd 9 -screen 0 1280x800x24 -nolisten tcp -noreset "$@" 9>"$ready" >/dev/null 2>&1 &
  XVFB_PID=$!
  local i
  for i in $(seq 300); do
    if [[ -s $ready ]] && grep -q '^[0-9][0-9]*$' "$ready"; then
      DISPLAY=":$(head -n 1 "$ready")"
      export DISPLAY XVFB_PID
      rm -f "$ready"
      return 0
    fi
    if ! kill -0 "$XVFB_PID" 2>/dev/null; then
      echo "Xvfb exited before it was ready" >&2; rm -f "$ready"; return 1
    fi
    sleep 0.1
  done
  echo "Xvfb not ready within 30 s" >&2
  kill "$XVFB_PID" 2>/dev/null || true
  rm -f "$ready"
  return 1
}
