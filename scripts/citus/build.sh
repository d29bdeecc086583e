#!/usr/bin/env bash
# Builds Citus from the shared source tarball once into a cache folder and installs it into Debian's PostgreSQL 15.
# A second run only compares the installed citus.so with the cached build and does nothing when they match.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source_tarball="${CITUS_SOURCE:-$repo/../shared/vendor/citus-13.2.2.tar.gz}"
# outside the checkout, so every clone on this machine (CI's clean one too) finds the same build
cache="${CITUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/boomerang/citus}"
build_packages=(postgresql-server-dev-15 libcurl4-openssl-dev liblz4-dev libzstd-dev libkrb5-dev libselinux1-dev
  libxslt1-dev libpam0g-dev libssl-dev)

if [[ ! -f "$source_tarball" ]]; then
  # a checkout elsewhere on this machine (CI's clean clone) still finds the build cached from the shared source
  cached_library="$(find "$cache" -path '*/src/backend/distributed/citus.so' 2>/dev/null | head -n1 || true)"
  if [[ -z "$cached_library" ]]; then
    echo "citus build: source tarball not found at $source_tarball (set CITUS_SOURCE) and no build cached in $cache" >&2
    exit 1
  fi
  echo "citus build: source tarball not found at $source_tarball; using the build cached in $cache"
  source_tarball=""
fi

missing=()
for package in "${build_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "citus build: installing missing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# the cache key is the tarball's content: a different source means a new build folder
if [[ -n "$source_tarball" ]]; then
  source_digest="$(sha256sum "$source_tarball" | cut -c1-16)"
  build_dir="$cache/build-$source_digest"
  built_library="$(find "$build_dir" -path '*/src/backend/distributed/citus.so' 2>/dev/null | head -n1 || true)"
else
  built_library="$cached_library"
  build_dir="$cache/$(realpath --relative-to="$cache" "$cached_library" | cut -d/ -f1)"
fi

if [[ -z "$built_library" ]]; then
  echo "citus build: building from $source_tarball into $build_dir (about 5 minutes on 2 cores)"
  started=$(date +%s)
  rm -rf "$build_dir" && mkdir -p "$build_dir"
  tar xzf "$source_tarball" -C "$build_dir"
  source_root="$(find "$build_dir" -mindepth 1 -maxdepth 1 -type d | head -n1)"
  (cd "$source_root" && ./configure >"$build_dir/configure.log" 2>&1 &&
    make -j"$(nproc)" with_llvm=no >"$build_dir/make.log" 2>&1) ||
    { echo "citus build: failed, see $build_dir/*.log" >&2; tail -n 30 "$build_dir/make.log" >&2 || true; exit 1; }
  built_library="$source_root/src/backend/distributed/citus.so"
  echo "citus build: built in $(($(date +%s) - started)) s"
fi

installed_library="$(pg_config --pkglibdir)/citus.so"
if [[ -f "$installed_library" ]] && cmp -s "$built_library" "$installed_library"; then
  echo "citus build: $installed_library matches the cached build, nothing to install"
  exit 0
fi
source_root="$(dirname "$(dirname "$(dirname "$(dirname "$built_library")")")")"
(cd "$source_root" && make install with_llvm=no >"$build_dir/install.log" 2>&1) ||
  { echo "citus build: make install failed, see $build_dir/install.log" >&2; exit 1; }
echo "citus build: installed into $(pg_config --pkglibdir)"
