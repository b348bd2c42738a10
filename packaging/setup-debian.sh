#!/usr/bin/env bash
# Sets up Sonolens on a fresh Debian/Ubuntu machine: system libraries, then a venv in .venv
# with Sonolens (editable), its test tools and PyInstaller (packaging/build-linux.sh).
# Safe to run again; it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  python3 python3-venv python3-pip
  # Qt runtime (offscreen and xcb) and OpenGL/EGL stubs PySide6 links against
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0 libfreetype6 libfontconfig1
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  xvfb xauth
  # audio output (sounddevice loads PortAudio at run time)
  libportaudio2
  # validators of the desktop entry and AppStream metainfo (tests/e2e/test_desktop_integration.py)
  desktop-file-utils appstream
  # builds the delayed/trimmed/filtered takes of the compare tests (tests/unit/test_align.py)
  sox
)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test,packaging]"
echo "ready: .venv/bin/sonolens"
