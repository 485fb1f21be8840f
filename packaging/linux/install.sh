#!/bin/sh
# Install LTX Studio Desktop from this unpacked bundle, with its menu entry, icons, AppStream
# metainfo and MIME type.
#
#   ./install.sh                  for you only:  ~/.local/lib/ltxstudio, ~/.local/bin/ltxstudio,
#                                 ${XDG_DATA_HOME:-~/.local/share}/{applications,icons,metainfo,mime}
#   sudo ./install.sh --system    for everyone:  /usr/local/lib/ltxstudio, /usr/local/bin, /usr/local/share
#   ./install.sh --prefix DIR     under DIR:     DIR/lib/ltxstudio, DIR/bin, DIR/share
#
# Installing again replaces the previous copy. Remove it with uninstall.sh (installed next to
# the app: ~/.local/lib/ltxstudio/uninstall.sh). Your settings, jobs and library are never
# touched: they live in ~/.config/ltxstudio and ~/.local/share/ltxstudio.
set -eu

APP_ID=io.github.ltxstudio.LtxStudio
HERE=$(cd "$(dirname "$0")" && pwd)

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

PREFIX=""
SYSTEM=0
while [ $# -gt 0 ]; do
    case "$1" in
        --system) SYSTEM=1 ;;
        --user) SYSTEM=0 ;;
        --prefix) [ $# -ge 2 ] || usage 2; PREFIX=$2; shift ;;
        --prefix=*) PREFIX=${1#--prefix=} ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option: $1" >&2; usage 2 ;;
    esac
    shift
done

if [ -n "$PREFIX" ]; then
    mkdir -p "$PREFIX"
    PREFIX=$(cd "$PREFIX" && pwd)
    LIBDIR=$PREFIX/lib/ltxstudio BINDIR=$PREFIX/bin SHARE=$PREFIX/share
elif [ "$SYSTEM" = 1 ]; then
    LIBDIR=/usr/local/lib/ltxstudio BINDIR=/usr/local/bin SHARE=/usr/local/share
else
    : "${HOME:?HOME is not set}"
    LIBDIR=$HOME/.local/lib/ltxstudio BINDIR=$HOME/.local/bin
    SHARE=${XDG_DATA_HOME:-$HOME/.local/share}
fi

for part in ltxstudio _internal share; do
    if [ ! -e "$HERE/$part" ]; then
        echo "install.sh: $HERE is not an unpacked LTX Studio bundle (no $part)" >&2
        exit 1
    fi
done
if [ "$HERE" = "$LIBDIR" ]; then
    echo "install.sh: already installed in $LIBDIR" >&2
    exit 1
fi

# A previous installation goes first, by its own manifest (an upgrade leaves nothing behind).
if [ -f "$LIBDIR/install-manifest.txt" ]; then
    echo "Replacing the copy in $LIBDIR"
    sh "$LIBDIR/uninstall.sh" --quiet --libdir "$LIBDIR"
fi

# The bundle, copied beside its final place and then moved in: never half a copy in LIBDIR.
mkdir -p "$(dirname "$LIBDIR")"
STAGE=$LIBDIR.new.$$
rm -rf "$STAGE"
mkdir -p "$STAGE"
trap 'rm -rf "$STAGE"' EXIT
for part in ltxstudio _internal LICENSE THIRD-PARTY.md licenses README.txt BUILD-INFO.txt \
    install.sh uninstall.sh; do
    if [ -e "$HERE/$part" ]; then cp -R "$HERE/$part" "$STAGE/"; fi
done
mv "$STAGE" "$LIBDIR"
trap - EXIT
LAUNCHER=$LIBDIR/ltxstudio
MANIFEST=$LIBDIR/install-manifest.txt
{
    echo "# Files LTX Studio Desktop installed outside $LIBDIR; uninstall.sh removes them."
    echo "share $SHARE"
} >"$MANIFEST"

put() { # put SOURCE TARGET: copy a file and remember it
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
    chmod 644 "$2"
    echo "file $2" >>"$MANIFEST"
}

# The menu entry starts the launcher by its absolute path: ~/.local/bin is often not on the
# PATH a desktop session starts programs with.
DESKTOP=$SHARE/applications/$APP_ID.desktop
mkdir -p "$(dirname "$DESKTOP")"
case "$LAUNCHER" in
    *[[:space:]]*) EXEC="\"$LAUNCHER\"" ;;
    *) EXEC=$LAUNCHER ;;
esac
sed -e "s|^Exec=ltxstudio |Exec=$EXEC |" -e "s|^TryExec=ltxstudio\$|TryExec=$LAUNCHER|" \
    "$HERE/share/applications/$APP_ID.desktop" >"$DESKTOP"
chmod 644 "$DESKTOP"
echo "file $DESKTOP" >>"$MANIFEST"

put "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$SHARE/metainfo/$APP_ID.metainfo.xml"
put "$HERE/share/mime/packages/$APP_ID.xml" "$SHARE/mime/packages/$APP_ID.xml"
for icon in "$HERE"/share/icons/hicolor/*/apps/"$APP_ID".*; do
    put "$icon" "$SHARE/icons/hicolor/${icon#"$HERE"/share/icons/hicolor/}"
done

# The command, unless something else already answers to it (say a pipx install).
mkdir -p "$BINDIR"
if [ -L "$BINDIR/ltxstudio" ] && [ "$(readlink "$BINDIR/ltxstudio")" = "$LAUNCHER" ]; then
    echo "link $BINDIR/ltxstudio" >>"$MANIFEST"
elif [ -e "$BINDIR/ltxstudio" ] || [ -L "$BINDIR/ltxstudio" ]; then
    echo "note: $BINDIR/ltxstudio exists and is not this bundle's; left as it is."
    echo "      The menu entry uses $LAUNCHER directly."
else
    ln -s "$LAUNCHER" "$BINDIR/ltxstudio"
    echo "link $BINDIR/ltxstudio" >>"$MANIFEST"
fi

# Desktops read these caches; a missing tool only means the menu updates at next login.
command -v update-desktop-database >/dev/null 2>&1 &&
    update-desktop-database -q "$SHARE/applications" || true
command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$SHARE/mime" || true
if [ -f "$SHARE/icons/hicolor/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$SHARE/icons/hicolor" || true
fi

echo "Installed LTX Studio Desktop in $LIBDIR"
echo "  menu entry  $DESKTOP"
echo "  command     $BINDIR/ltxstudio"
case ":${PATH:-}:" in
    *":$BINDIR:"*) ;;
    *) echo "  note: $BINDIR is not on your PATH; the menu entry works regardless." ;;
esac
echo "  remove it   $LIBDIR/uninstall.sh"
echo "  check it    $LAUNCHER selftest"
