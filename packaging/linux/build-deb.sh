#!/usr/bin/env bash
# Builds dist/kpidesk_<version>_amd64.deb from the PyInstaller one-folder bundle (`make dist`)
# with dpkg-deb alone: no network, no debhelper, no root (dpkg-deb --root-owner-group).
#
#   bash packaging/linux/build-deb.sh [BUNDLE_DIR] [OUT_DIR]      (or: make deb)
#
# DEB_VERSION overrides the package version (default: kpidesk.__version__), e.g. to rebuild
# the same bundle as a higher version for an upgrade test; DEB_COMPRESSION (gzip) may be xz
# (smaller, slower) or none.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=${1:-$root/dist/kpidesk}
out=${2:-$root/dist}
version=${DEB_VERSION:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/kpidesk/__init__.py")}
arch=amd64
appid=dk.kpidesk.kpidesk

[ -x "$bundle/kpidesk" ] || { echo "build-deb: no bundle at $bundle (run make dist first)" >&2; exit 1; }
[ -n "$version" ] || { echo "build-deb: cannot read the version from kpidesk/__init__.py" >&2; exit 1; }
machine=$(file -b "$bundle/kpidesk" 2>/dev/null || true)
case "$machine" in *x86-64* | "") ;; *) echo "build-deb: $bundle/kpidesk is not x86-64: $machine" >&2; exit 1 ;; esac
release_date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%F)

stage=$(mktemp -d "${TMPDIR:-/tmp}/kpidesk-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg

# The program: the bundle under /opt/kpidesk, read-only for users, on the PATH through a
# relative link (so it also resolves inside a scratch root).
install -d "$pkg/opt" "$pkg/usr/bin"
cp -a "$bundle" "$pkg/opt/kpidesk"
chmod -R u+rwX,go+rX,go-w "$pkg/opt/kpidesk"
ln -s ../../opt/kpidesk/kpidesk "$pkg/usr/bin/kpidesk"

# Menu entry, icons in the hicolor theme, AppStream metainfo.
install -D -m 0644 "$here/kpidesk.desktop" "$pkg/usr/share/applications/kpidesk.desktop"
for size in 16 24 32 48 64 128 256 512; do
	install -D -m 0644 "$root/resources/icons/kpidesk-$size.png" \
		"$pkg/usr/share/icons/hicolor/${size}x${size}/apps/kpidesk.png"
done
install -D -m 0644 "$root/resources/icons/kpidesk.svg" \
	"$pkg/usr/share/icons/hicolor/scalable/apps/kpidesk.svg"
install -d "$pkg/usr/share/metainfo"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$release_date/" "$here/$appid.metainfo.xml" \
	>"$pkg/usr/share/metainfo/$appid.metainfo.xml"
chmod 0644 "$pkg/usr/share/metainfo/$appid.metainfo.xml"

# The scheduler service: installed, not enabled (postinst creates its env file).
install -D -m 0644 "$here/kpidesk-scheduler.service" \
	"$pkg/usr/lib/systemd/system/kpidesk-scheduler.service"
install -D -m 0644 "$root/README.md" "$pkg/usr/share/doc/kpidesk/README.md"
install -D -m 0644 "$root/CHANGELOG.md" "$pkg/usr/share/doc/kpidesk/CHANGELOG.md"

install -d "$pkg/DEBIAN"
for script in postinst prerm postrm; do
	install -m 0755 "$here/$script" "$pkg/DEBIAN/$script"
done
# The newest glibc symbol version anything in the bundle needs (the build machine's libpython
# sets it), so apt refuses the package on a system too old to run it.
glibc=$(find "$pkg/opt/kpidesk" -type f \( -name '*.so*' -o -name kpidesk \) -print0 |
	xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' |
	sort -t. -k1,1n -k2,2n -k3,3n -u | tail -n1 || true)
installed_kb=$(du -sk --apparent-size "$pkg" | cut -f1)
# The libraries Qt loads from the system (the bundle carries Qt, not these); the xcb ones
# for a real X11 screen. The same list as .ci/system-deps and docs/PITFALLS.
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: kpidesk
Version: $version
Architecture: $arch
Maintainer: kpidesk <kpidesk@localhost>
Installed-Size: $installed_kb
Section: misc
Priority: optional
Depends: libc6 (>= ${glibc:-2.31}), libegl1, libgl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3, libxkbcommon0, libx11-6, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1, libxkbcommon-x11-0
Recommends: fonts-dejavu-core | fonts-liberation2
Description: desktop KPI module for a CRM
 kpidesk calculates KPIs per user from the CRM's companies, activities and
 opportunities every night and shows each user values, scores, trends and a
 forecast. Works on an embedded SQLite file or a shared PostgreSQL database.
 .
 The package installs the self-contained program under /opt/kpidesk, a menu
 entry, and the kpidesk-scheduler systemd service (not enabled; configure it
 in /etc/kpidesk/kpidesk.env).
CONTROL

mkdir -p "$out"
deb=$out/kpidesk_${version}_${arch}.deb
# gzip: every dpkg reads it, and it is several times faster to build than xz here.
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-gzip}" --build "$pkg" "$deb" >/dev/null
echo "$deb"
