#!/usr/bin/env bash
# SharpSight native compatibility step (run by build/NativeCompat.targets after every build).
#
# TorchSharp 0.107's libLibTorchSharp.so requires GLIBCXX_3.4.32 for a single symbol,
# std::ios_base_library_init() (GCC 13+). Debian 12 ships libstdc++ with GLIBCXX_3.4.30, so the
# library fails to load. For each copy of libLibTorchSharp.so under OUTPUT_DIR this script:
#   1. clears the symbol's version (patchelf --clear-symbol-version),
#   2. points the GLIBCXX_3.4.32 version-need entry at GLIBCXX_3.4.30, which the library already
#      requires and the system has (retarget_verneed.cpp),
#   3. adds a tiny shim defining that function (stdcxx_shim.cpp) as DT_NEEDED, placed beside it.
# It is idempotent, patches copies atomically, touches only OUTPUT_DIR and WORK_DIR, and does
# nothing where the system libstdc++ already provides GLIBCXX_3.4.32.
#
# usage: native-compat.sh OUTPUT_DIR WORK_DIR
set -euo pipefail

out_dir=${1:?usage: native-compat.sh OUTPUT_DIR WORK_DIR}
work_dir=${2:?usage: native-compat.sh OUTPUT_DIR WORK_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
missing_version=GLIBCXX_3.4.32
borrowed_version=GLIBCXX_3.4.30
symbol=_ZSt21ios_base_library_initv
shim_name=libsharpsight_stdcxx_shim.so

fail() { echo "error: SharpSight native compatibility: $*" >&2; exit 1; }

[ "$(uname -s)" = Linux ] || exit 0
mapfile -t libraries < <(find "$out_dir" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#libraries[@]} -gt 0 ] || exit 0

system_stdcxx=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$system_stdcxx" ] || fail "no system libstdc++.so.6 found (ldconfig -p lists none); install libstdc++6"
if grep -qaF "$missing_version" "$system_stdcxx"; then
    exit 0  # the system libstdc++ is new enough: nothing to do
fi
grep -qaF "$borrowed_version" "$system_stdcxx" \
    || fail "$system_stdcxx has neither $missing_version nor $borrowed_version; TorchSharp 0.107 needs libstdc++ from GCC 12 or later"

for tool in g++ patchelf readelf; do
    command -v "$tool" >/dev/null \
        || fail "$system_stdcxx lacks $missing_version (needed by TorchSharp 0.107) and the fix needs '$tool': apt-get install g++ patchelf binutils"
done

mkdir -p "$work_dir"
shim="$work_dir/$shim_name"
retarget="$work_dir/retarget_verneed"
if [ ! -f "$shim" ] || [ "$here/stdcxx_shim.cpp" -nt "$shim" ]; then
    g++ -O2 -shared -fPIC -o "$shim.tmp" "$here/stdcxx_shim.cpp" && mv -f "$shim.tmp" "$shim"
fi
if [ ! -x "$retarget" ] || [ "$here/retarget_verneed.cpp" -nt "$retarget" ]; then
    g++ -O2 -o "$retarget.tmp" "$here/retarget_verneed.cpp" && mv -f "$retarget.tmp" "$retarget"
fi

for library in "${libraries[@]}"; do
    directory=$(dirname "$library")
    if readelf -V "$library" | grep -qF "$missing_version"; then
        patched="$library.sharpsight-tmp"
        cp -f "$library" "$patched"
        patchelf --clear-symbol-version "$symbol" "$patched"
        "$retarget" "$patched" "$missing_version" "$borrowed_version"
        readelf -d "$patched" | grep -qF "[$shim_name]" || patchelf --add-needed "$shim_name" "$patched"
        mv -f "$patched" "$library"
    fi
    cmp -s "$shim" "$directory/$shim_name" || cp -f "$shim" "$directory/$shim_name"
done
