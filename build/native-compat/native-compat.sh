#!/usr/bin/env bash
# SharpSight native compatibility step (run by build/NativeCompat.targets after every build and publish).
#
# TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init(), which
# GCC 13's <iostream> references only to pin that version (no code calls it; no relocation uses it). Debian 12's
# libstdc++ stops at GLIBCXX_3.4.30, so the library fails to load. For each copy of libLibTorchSharp.so under
# OUTPUT_DIR this script runs elf_unpin_version (compiled here with g++ from elf_unpin_version.cpp), which clears
# the symbol's version, makes it weak, and points the GLIBCXX_3.4.32 need at GLIBCXX_3.4.30.
#
# Idempotent; patches copies in OUTPUT_DIR atomically (never the NuGet cache or system files); a no-op where the
# system libstdc++ already provides GLIBCXX_3.4.32.
#
# usage: native-compat.sh OUTPUT_DIR WORK_DIR
set -euo pipefail

out_dir=${1:?usage: native-compat.sh OUTPUT_DIR WORK_DIR}
work_dir=${2:?usage: native-compat.sh OUTPUT_DIR WORK_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
missing_version=GLIBCXX_3.4.32
borrowed_version=GLIBCXX_3.4.30
symbol=_ZSt21ios_base_library_initv

fail() { echo "error: SharpSight native compatibility: $*" >&2; exit 1; }

[ "$(uname -s)" = Linux ] || exit 0
# A copy may be a symbolic link into the NuGet cache (build/NativeAssets.targets); the patch replaces the link with
# a patched file by a rename and never writes through it.
mapfile -t libraries < <(find "$out_dir" -name libLibTorchSharp.so \( -type f -o -type l \) 2>/dev/null)
[ ${#libraries[@]} -gt 0 ] || exit 0

system_stdcxx=$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null) | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
[ -n "$system_stdcxx" ] || fail "no system libstdc++.so.6 found (ldconfig -p lists none); install libstdc++6"
if grep -qaF "$missing_version" "$system_stdcxx"; then
    exit 0  # the system libstdc++ is new enough: nothing to do
fi
grep -qaF "$borrowed_version" "$system_stdcxx" \
    || fail "$system_stdcxx has neither $missing_version nor $borrowed_version; TorchSharp 0.107 needs libstdc++ from GCC 12 or later"
command -v g++ >/dev/null \
    || fail "$system_stdcxx lacks $missing_version (needed by TorchSharp 0.107) and the fix needs a C++ compiler: apt-get install g++"

mkdir -p "$work_dir"
tool="$work_dir/elf_unpin_version"
if [ ! -x "$tool" ] || [ "$here/elf_unpin_version.cpp" -nt "$tool" ]; then
    g++ -O2 -std=c++17 -o "$tool.tmp" "$here/elf_unpin_version.cpp" && mv -f "$tool.tmp" "$tool"
fi
for library in "${libraries[@]}"; do
    "$tool" "$library" "$symbol" "$missing_version" "$borrowed_version"
done
