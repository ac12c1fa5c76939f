#!/bin/sh
# Install the built Linux bundle for the current user: the program, a menu entry with the icon,
# and .fineauthor files opening in FineAuthor when double-clicked. No administrator rights.
#
#     python3 packaging/build.py && sh packaging/linux/install.sh
#     sh packaging/linux/install.sh --uninstall
#
# Files go under ~/.local (or $XDG_DATA_HOME): lib/fineauthor (the bundle), bin/fineauthor
# (a link), share/applications, share/metainfo, share/mime/packages, share/icons/hicolor.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app_id=io.github.fineauthor.FineAuthor
data=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=$HOME/.local
sizes="16 24 32 48 64 128 256 512"

refresh() {
    command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
    command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$prefix/lib/fineauthor"
    rm -f "$prefix/bin/fineauthor" "$data/applications/$app_id.desktop" \
        "$data/metainfo/$app_id.metainfo.xml" "$data/mime/packages/$app_id.xml"
    for size in $sizes; do
        rm -f "$data/icons/hicolor/${size}x${size}/apps/$app_id.png"
    done
    refresh
    echo "FineAuthor removed (your projects and settings are untouched)."
    exit 0
fi

bundle=$root/dist/FineAuthor
if [ ! -x "$bundle/fineauthor" ]; then
    echo "No bundle in $bundle: build it first with python3 packaging/build.py" >&2
    exit 1
fi

mkdir -p "$prefix/lib" "$prefix/bin" "$data/applications" "$data/metainfo" "$data/mime/packages"
rm -rf "$prefix/lib/fineauthor"
cp -R "$bundle" "$prefix/lib/fineauthor"
ln -sf "$prefix/lib/fineauthor/fineauthor" "$prefix/bin/fineauthor"
# The menu entry names the program by its full path, so it works whether or not ~/.local/bin
# is on PATH.
sed "s|^Exec=fineauthor |Exec=$prefix/lib/fineauthor/fineauthor |" \
    "$here/$app_id.desktop" > "$data/applications/$app_id.desktop"
cp "$here/$app_id.metainfo.xml" "$data/metainfo/"
cp "$here/$app_id.mime.xml" "$data/mime/packages/$app_id.xml"
for size in $sizes; do
    mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
    cp "$root/packaging/icons/fineauthor-$size.png" "$data/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
refresh
echo "FineAuthor installed: $prefix/bin/fineauthor, and in your applications menu."
