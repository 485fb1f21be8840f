#!/bin/sh
# Remove LTX Studio Desktop installed by install.sh: the app, its menu entry, icons, metainfo,
# MIME type and command link, exactly the files its install manifest lists.
#
#   ~/.local/lib/ltxstudio/uninstall.sh     the copy this script belongs to
#   ./uninstall.sh                           the per-user copy (~/.local/lib/ltxstudio)
#   sudo ./uninstall.sh --system             the system-wide copy (/usr/local/lib/ltxstudio)
#   ./uninstall.sh --prefix DIR              the copy installed with --prefix DIR
#
# Your settings, jobs, API key and library are kept (~/.config/ltxstudio,
# ~/.local/share/ltxstudio, the system keyring); delete them yourself if you want them gone.
set -eu

APP_ID=io.github.ltxstudio.LtxStudio
HERE=$(cd "$(dirname "$0")" && pwd)
LIBDIR=""
QUIET=0
while [ $# -gt 0 ]; do
    case "$1" in
        --system) LIBDIR=/usr/local/lib/ltxstudio ;;
        --user) LIBDIR=${HOME:?HOME is not set}/.local/lib/ltxstudio ;;
        --prefix) [ $# -ge 2 ] || exit 2; LIBDIR=$2/lib/ltxstudio; shift ;;
        --prefix=*) LIBDIR=${1#--prefix=}/lib/ltxstudio ;;
        --libdir) [ $# -ge 2 ] || exit 2; LIBDIR=$2; shift ;;
        --quiet) QUIET=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "uninstall.sh: unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$LIBDIR" ]; then
    if [ -f "$HERE/install-manifest.txt" ]; then
        LIBDIR=$HERE  # run from an installed copy
    else
        LIBDIR=${HOME:?HOME is not set}/.local/lib/ltxstudio
    fi
fi
MANIFEST=$LIBDIR/install-manifest.txt
if [ ! -f "$MANIFEST" ]; then
    echo "uninstall.sh: no installation in $LIBDIR (no install-manifest.txt)" >&2
    exit 1
fi

SHARE=""
while IFS=' ' read -r kind path; do
    case "$kind" in
        share) SHARE=$path ;;
        file) rm -f "$path" ;;
        link) if [ -L "$path" ]; then rm -f "$path"; fi ;;
    esac
done <"$MANIFEST"

if [ -n "$SHARE" ]; then
    # Empty icon folders we may have created; the theme's own folders stay if anything is left.
    for dir in "$SHARE"/icons/hicolor/*/apps; do
        rmdir "$dir" "$(dirname "$dir")" 2>/dev/null || true
    done
    command -v update-desktop-database >/dev/null 2>&1 &&
        update-desktop-database -q "$SHARE/applications" || true
    command -v update-mime-database >/dev/null 2>&1 && [ -d "$SHARE/mime" ] &&
        update-mime-database "$SHARE/mime" || true
    if [ -f "$SHARE/icons/hicolor/index.theme" ] &&
        command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$SHARE/icons/hicolor" || true
    fi
fi

# The app folder last: this script may be running from it.
case "$LIBDIR" in
    */ltxstudio) rm -rf "$LIBDIR" ;;
    *) echo "uninstall.sh: refusing to delete $LIBDIR (not an ltxstudio folder)" >&2; exit 1 ;;
esac
if [ "$QUIET" = 0 ]; then
    echo "Removed LTX Studio Desktop ($APP_ID) from $LIBDIR."
    echo "Kept your settings, jobs and library: ~/.config/ltxstudio, ~/.local/share/ltxstudio."
fi
