#!/usr/bin/env bash
# Builds the one-folder bundle in packaging/dist/wmo-desk (Linux and macOS).
# Then checks that it starts: with --smoke-test it opens the demo offscreen and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap
.venv/bin/python -m pip install -q -e ".[packaging]"
.venv/bin/pyinstaller --noconfirm --clean --distpath packaging/dist --workpath packaging/build packaging/wmo_desk.spec
QT_QPA_PLATFORM=offscreen packaging/dist/wmo-desk/wmo-desk --demo --smoke-test
echo "Bundle: packaging/dist/wmo-desk/"
