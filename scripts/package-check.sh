#!/usr/bin/env bash
# Checks the release packages as a user would get them: installs the Linux
# tarball into a temporary prefix with its own Makefile, starts the installed
# binary under Xvfb and waits for its window; checks the Windows .exe is a
# GUI-subsystem PE with an icon resource. Run scripts/package.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "package check: $*" >&2; exit 1; }

if [[ -f dist/Convscope.tar.xz ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tar -xJf dist/Convscope.tar.xz -C "$tmp"
  make -s -C "$tmp/convscope" install DESTDIR="$tmp/root" PREFIX=/usr >/dev/null
  bin="$tmp/root/usr/bin/convscope"
  desktop=$(ls "$tmp"/root/usr/share/applications/*.desktop)
  [[ -x "$bin" ]] || fail "installed binary missing"
  # Every image type the README says "Open with Convscope" works for.
  for mime in image/png image/jpeg image/gif image/bmp image/tiff image/webp; do
    grep -q "^MimeType=.*$mime;" "$desktop" || fail "$desktop does not register $mime"
  done
  grep -q '^Categories=Science;Education;Graphics' "$desktop" || fail "$desktop lacks the categories"
  grep -q '^Exec=convscope %F' "$desktop" || fail "$desktop does not pass files to the app"
  ls "$tmp"/root/usr/share/pixmaps/*.png >/dev/null || fail "icon not installed"
  echo "package check: Linux package installs: $(du -h dist/Convscope.tar.xz | cut -f1) tarball, $(du -h "$bin" | cut -f1) binary"
  bash scripts/window-check.sh "$bin" /tmp/convscope-installed.png
fi

if [[ -f dist/Convscope.exe ]]; then
  info=$(file dist/Convscope.exe)
  [[ $info == *"PE32+ executable (GUI) x86-64"* ]] || fail "Convscope.exe is not a GUI-subsystem x86-64 PE: $info"
  x86_64-w64-mingw32-objdump -h dist/Convscope.exe | grep -q '\.rsrc' || fail "Convscope.exe has no resource section (icon, version info)"
  echo "package check: Windows: $info, $(du -h dist/Convscope.exe | cut -f1), resources present"
fi
