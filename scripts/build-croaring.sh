#!/usr/bin/env bash
# Builds Debian's own CRoaring source (the libroaring-dev version) with
# -march=native into .deps/croaring, because Debian's binary is built for
# baseline x86-64 (no popcnt/AVX2) and is ~10x slower on bitmap cardinality
# (see docs/architecture.md, "CRoaring build"). No CRoaring code is kept in the
# repository: the source comes from Debian's source archive at build time.
# Idempotent. On any failure it exits 0 after saying so, and CMake falls back
# to the system libroaring-dev. TAGLOOP_ROARING=system skips the build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/.deps/croaring"
work="$root/.deps/croaring-src"
version="0.2.66"

if [ "${TAGLOOP_ROARING:-native}" = system ]; then
  echo "build-croaring: TAGLOOP_ROARING=system, using libroaring-dev"; exit 0
fi
if [ -f "$prefix/lib/libroaring.a" ] && [ -f "$prefix/VERSION" ] && [ "$(cat "$prefix/VERSION")" = "$version" ]; then
  exit 0
fi

fallback() { echo "build-croaring: $1; falling back to Debian's libroaring-dev binary" >&2; exit 0; }

mkdir -p "$work/lists/partial" && cd "$work"
if ! ls croaring_${version}*.orig.tar.* >/dev/null 2>&1; then
  # A private sources list and lists dir, so the machine's apt setup is untouched.
  echo "deb-src http://deb.debian.org/debian bookworm main" > sources.list
  apt_opts=(-o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$work/lists")
  apt-get "${apt_opts[@]}" update -qq >/dev/null 2>&1 || fallback "cannot read Debian's source index"
  apt-get "${apt_opts[@]}" source --tar-only "croaring=${version}+ds-2" >/dev/null 2>&1 \
    || apt-get "${apt_opts[@]}" source --tar-only croaring >/dev/null 2>&1 || fallback "cannot fetch the croaring source"
fi
rm -rf "CRoaring-${version}" && tar xf croaring_${version}*.orig.tar.* || fallback "cannot unpack the source"
cmake -S "CRoaring-${version}" -B build -DCMAKE_BUILD_TYPE=Release -DROARING_BUILD_STATIC=ON \
  -DENABLE_ROARING_TESTS=OFF -DROARING_ARCH=native -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_INSTALL_PREFIX="$prefix" >build.log 2>&1 || fallback "cmake failed (see $work/build.log)"
cmake --build build -j"$(nproc)" >>build.log 2>&1 || fallback "build failed (see $work/build.log)"
rm -rf "$prefix" && mkdir -p "$prefix/lib" "$prefix/include"
cp "$(find build -name 'libroaring.a' | head -n1)" "$prefix/lib/" || fallback "no libroaring.a"
cp -r "CRoaring-${version}/include/roaring" "$prefix/include/"
cp -r "CRoaring-${version}/cpp/"*.hh "$prefix/include/roaring/" 2>/dev/null || true
echo "$version" > "$prefix/VERSION"
echo "build-croaring: built CRoaring $version with -march=native into $prefix"
