#!/usr/bin/env python3
"""Generate crates/hinternet-capi/include/wininet.h from its template and the constants table.

The constants come from crates/hinternet-core/src/consts.rs (itself generated from the spec), so
the C header and the Rust engine share one source of values.

    python3 tools/gen_header.py            # write the header
    python3 tools/gen_header.py --check    # fail if the committed header is out of date
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTS = ROOT / "crates/hinternet-core/src/consts.rs"
TEMPLATE = ROOT / "crates/hinternet-capi/wininet.h.in"
HEADER = ROOT / "crates/hinternet-capi/include/wininet.h"

LINE = re.compile(r"^pub const ([A-Z0-9_]+): (u32|u64|i32) = (-?(?:0x[0-9A-F]+|[0-9]+));$")


def constants():
    out = []
    for line in CONSTS.read_text().splitlines():
        if line.startswith("// ---- "):
            out.append("/* " + line[8:] + " */")
            continue
        m = LINE.match(line)
        if not m:
            continue
        name, ty, value = m.groups()
        if name in ("TRUE", "FALSE"):
            continue
        if ty == "i32":
            out.append(f"#define {name} ({value})")
        else:
            out.append(f"#define {name} {value}u")
    return "\n".join(out)


def render():
    return TEMPLATE.read_text().replace("@CONSTANTS@", constants())


def main():
    text = render()
    if "--check" in sys.argv:
        if not HEADER.exists() or HEADER.read_text() != text:
            print(f"{HEADER} is out of date: run python3 tools/gen_header.py", file=sys.stderr)
            sys.exit(1)
        return
    HEADER.parent.mkdir(parents=True, exist_ok=True)
    HEADER.write_text(text)


main()
