#!/bin/sh
# Add Substrate to the applications menu of this user (no root needed). Run it from the unpacked folder.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$data/applications" "$data/metainfo"
cp -r "$here/share/icons" "$data/"
sed "s|^Exec=Substrate|Exec=\"$here/Substrate\"|" "$here/share/applications/substrate.desktop" > "$data/applications/substrate.desktop"
cp "$here/share/metainfo/app.substrate.Substrate.metainfo.xml" "$data/metainfo/"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q "$data/icons/hicolor" || true
echo "Substrate is in your applications menu."
