#!/usr/bin/env bash
# 联络站工作台 — Linux build: the one-folder bundle and a tarball with a .desktop entry and icon.
#
#   installer/build_linux.sh [OUT_DIR]        (default: /tmp/station-app-build)
#
# Needs the app's dependencies and PyInstaller in the running python3 (pip install -e ".[test]"
# brings both). Prints the tarball's path as its last line. Outputs never go into the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/station-app-build}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

VERSION=$(cd "$ROOT" && "$PY" -c "import station_app; print(station_app.__version__)")
ARCH=$(uname -m)

"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$OUT/dist" --workpath "$OUT/work" \
    "$ROOT/installer/station_app.spec"
APP="$OUT/dist/station-app"

# icon, desktop entry (for /opt/station-app) and a helper that installs the entry for where the
# folder really is
cp "$ROOT/resources/icons/station_app.png" "$APP/station-app.png"
cat > "$APP/station-app.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Version=1.0
Name=联络站工作台
Name[zh_CN]=联络站工作台
GenericName=人大代表联络站工作软件
Comment=人大代表联络站日常工作软件（离线版）
Exec=/opt/station-app/station-app
Icon=/opt/station-app/station-app.png
Terminal=false
Categories=Office;
StartupWMClass=station-app
DESKTOP
cat > "$APP/install-desktop-entry.sh" <<'HELPER'
#!/bin/sh
# Adds 联络站工作台 to this user's application menu, pointing at this folder (wherever it is).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
DEST="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$DEST"
sed -e "s#/opt/station-app#$HERE#g" "$HERE/station-app.desktop" > "$DEST/station-app.desktop"
echo "已添加到应用程序菜单：$DEST/station-app.desktop"
HELPER
chmod +x "$APP/install-desktop-entry.sh"

TARBALL="$OUT/station-app-$VERSION-linux-$ARCH.tar.gz"
tar -C "$OUT/dist" -czf "$TARBALL" station-app
echo "$TARBALL"
