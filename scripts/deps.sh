#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Convscope needs, if any are missing.
#   scripts/deps.sh        — what building and running the app needs (cgo + GL + X11 headers)
#   scripts/deps.sh --ci   — also Xvfb, xauth, ImageMagick, xdotool and GTK for Python (the
#                            window check and the real drag-and-drop check), and
#                            libonnx-testdata (ONNX's operator conformance tests, internal/onnx)
#                            and dataset-fashion-mnist (the real-data tests of assets and internal/transfer)
set -euo pipefail
pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev)
if [[ "${1:-}" == "--ci" ]]; then
  pkgs+=(xvfb xauth imagemagick xdotool python3-gi gir1.2-gtk-3.0 libonnx-testdata dataset-fashion-mnist)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "convscope: missing system packages: ${missing[*]}; this script knows only apt (Debian/Ubuntu). See README.md for other systems." >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "convscope: installing system packages: ${missing[*]} (apt-get, once)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
