#!/usr/bin/env bash
# Checks that include/wininet.h and libwininet.so agree: every exported function is declared in
# the header and every function the header declares is exported. Also checks that the header is
# generated from the current constants and template, and that it compiles under -Wall -Wextra
# -Werror as C and as C++ with every compiler present (gcc, g++, clang, clang++).
set -euo pipefail
cd "$(dirname "$0")/.."
lib="${1:-target/debug/libwininet.so}"
header=crates/hinternet-capi/include/wininet.h

python3 tools/gen_header.py --check

exported=$(nm -D --defined-only "$lib" | awk '$2=="T"{print $3}' | sort -u)
declared=$(grep -oE 'WINAPI [A-Za-z0-9_]+\(' "$header" | sed -E 's/WINAPI ([A-Za-z0-9_]+)\(/\1/' | sort -u)
if [ "$exported" != "$declared" ]; then
    echo "header and exports differ (< exported only, > declared only):" >&2
    diff <(echo "$exported") <(echo "$declared") >&2 || true
    exit 1
fi
echo "exports and header agree: $(echo "$exported" | wc -l) functions"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "wininet.h"\nint main(void) { return sizeof(URL_COMPONENTSA) == 104 && sizeof(WIN32_FIND_DATAW) == 592 ? 0 : 1; }\n' > "$tmp/h.c"
cp "$tmp/h.c" "$tmp/h.cpp"
for cc in gcc clang; do
    command -v "$cc" >/dev/null || continue
    "$cc" -std=c99 -Wall -Wextra -Werror -pedantic -I crates/hinternet-capi/include "$tmp/h.c" -o "$tmp/a" && "$tmp/a"
    "$cc" -std=c11 -DUNICODE -Wall -Wextra -Werror -I crates/hinternet-capi/include "$tmp/h.c" -o "$tmp/a" && "$tmp/a"
    echo "header compiles as C with $cc"
done
for cxx in g++ clang++; do
    command -v "$cxx" >/dev/null || continue
    "$cxx" -Wall -Wextra -Werror -I crates/hinternet-capi/include "$tmp/h.cpp" -o "$tmp/b" && "$tmp/b"
    echo "header compiles as C++ with $cxx"
done
