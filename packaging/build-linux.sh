#!/usr/bin/env bash
# Builds the self-contained Linux app (PyInstaller, one folder) and smoke-tests it:
#   dist/sonolens/sonolens            the window and the command line, no Python needed
# The smoke test starts the built binary offscreen on the demo sound (--screenshot) and
# checks the picture, then runs `extract` and checks the CSV.
# Environment: PYTHON (default .venv/bin/python, with `pip install -e .[packaging]`),
# DIST_DIR (default dist), BUILD_DIR (default build/pyinstaller).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
DIST_DIR=${DIST_DIR:-dist}
BUILD_DIR=${BUILD_DIR:-build/pyinstaller}

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  echo "error: PyInstaller is missing: $PYTHON -m pip install -e '.[packaging]'" >&2
  exit 1
fi
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST_DIR" --workpath "$BUILD_DIR" packaging/sonolens.spec
built=$(date +%s)
echo "built $DIST_DIR/sonolens in $((built - start)) s, $(du -sh "$DIST_DIR/sonolens" | cut -f1)"
"$PYTHON" packaging/smoke_test_frozen.py "$DIST_DIR/sonolens/sonolens"
echo "smoke test passed in $(($(date +%s) - built)) s"
