#!/usr/bin/env bash
# Builds Convscope's release packages into dist/ with `fyne package`:
#   dist/Convscope.tar.xz   Linux: binary, .desktop entry (icon, categories, image MIME types), Makefile
#   dist/Convscope.exe      Windows amd64, cross-compiled with mingw-w64 (GUI subsystem, icon, version info)
# macOS .app bundles need a Mac: .github/workflows/release.yml builds them on a hosted runner.
#   scripts/package.sh [linux] [windows]      (default: both)
# The version comes from FyneApp.toml ([Details] Version); BUILD (default 1) is
# the build number. FyneApp.toml is restored afterwards, so the packager's
# automatic Build bump is never committed by accident.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
((${#targets[@]})) || targets=(linux windows)
fyne_version=v1.7.4
build=${BUILD:-1}
version=$(sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml)

fyne=$(go env GOPATH)/bin/fyne
if ! "$fyne" version 2>/dev/null | grep -q "${fyne_version#v}"; then
  echo "package: installing the fyne packager $fyne_version (a binary; not a module requirement of ours)" >&2
  go install "fyne.io/tools/cmd/fyne@$fyne_version"
fi

cp FyneApp.toml /tmp/FyneApp.toml.$$
trap 'cp /tmp/FyneApp.toml.$$ FyneApp.toml; rm -f /tmp/FyneApp.toml.$$' EXIT
mkdir -p dist
common=(--release --tags no_emoji --app-version "$version" --app-build "$build")

for t in "${targets[@]}"; do
  case $t in
  linux)
    bash scripts/deps.sh
    echo "package: Linux $version ($build)" >&2
    "$fyne" package --os linux "${common[@]}"
    # fyne v1.7.4 puts the desktop entry's " %F" (added for [CanOpen]) into
    # the tarball Makefile's Exec too, so `make install` looks for a file
    # called "convscope %F". Repack with the Makefile fixed.
    fix=$(mktemp -d)
    tar -xJf Convscope.tar.xz -C "$fix"
    sed -i 's/^Exec := "\(.*\) %F"$/Exec := "\1"/' "$fix"/convscope/Makefile
    grep -q '^Exec := "convscope"$' "$fix"/convscope/Makefile
    tar -cJf dist/Convscope.tar.xz -C "$fix" convscope
    rm -rf "$fix" Convscope.tar.xz
    ;;
  windows)
    if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
      sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
      echo "package: installing gcc-mingw-w64-x86-64 for the Windows cross-build" >&2
      $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq gcc-mingw-w64-x86-64 >&2
    fi
    echo "package: Windows $version ($build), cross-compiled" >&2
    CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
      "$fyne" package --os windows "${common[@]}"
    mv -f Convscope.exe dist/
    ;;
  *) echo "package: unknown target $t (want linux or windows)" >&2; exit 2 ;;
  esac
done
ls -l dist/
