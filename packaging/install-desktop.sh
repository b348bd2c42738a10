#!/usr/bin/env bash
# Installs Sonolens' desktop entry, icon and AppStream metainfo under PREFIX/share
# (default ~/.local), so the desktop lists Sonolens and offers it for audio files.
# The `sonolens` command must be on PATH: `pip install .`, or a link to the frozen app
# (ln -s "$PWD/dist/sonolens/sonolens" ~/.local/bin/sonolens).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${1:-$HOME/.local}
install -Dm644 packaging/sonolens.desktop "$PREFIX/share/applications/sonolens.desktop"
install -Dm644 packaging/io.github.sonolens.Sonolens.metainfo.xml \
  "$PREFIX/share/metainfo/io.github.sonolens.Sonolens.metainfo.xml"
install -Dm644 resources/sonolens.svg "$PREFIX/share/icons/hicolor/scalable/apps/sonolens.svg"
if command -v update-desktop-database >/dev/null; then
  update-desktop-database -q "$PREFIX/share/applications" || true
fi
echo "installed the desktop entry under $PREFIX/share"
