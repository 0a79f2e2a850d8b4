#!/usr/bin/env python3
"""Self-test of scripts/check-deps.py: small trees with one known fault each must fail
with the right FILE:LINE, and a tree without faults must pass. Stdlib only."""
import os
import subprocess
import sys
import tempfile

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                      "check-deps.py")
MESON = "foreach part : ['low', 'high']\n  subdir(part)\nendforeach\n"

# A clean tree: high uses low, and inside low a.c calls b.c one way only.
CLEAN = {
    "low/a.h": "int a_get(void);\n",
    "low/a.c": '#include "a.h"\n#include "b.h"\nint a_get(void) { return b_get(); }\n',
    "low/b.h": "int b_get(void);\n",
    "low/b.c": '#include "b.h"\nint b_get(void) { int a_get = 1; return a_get; }\n',
    "high/h.h": "void h_run(void);\n",
    "high/h.c": '#include "h.h"\n#include "a.h"\nvoid h_run(void) { a_get(); }\n',
}

CASES = [
    ("upward include", {"low/b.c": '#include "b.h"\n#include "h.h"\nint b_get(void) { return 0; }\n'},
     "gateway/low/b.c:2: #include \"h.h\""),
    ("upward call through a local prototype",
     {"low/b.c": '#include "b.h"\nvoid h_run(void);\nint b_get(void) { h_run(); return 0; }\n'},
     "gateway/low/b.c:2: uses h_run"),
    ("circle through a shared header",
     {"low/a.h": "int a_get(void);\nint b_back(void);\n",
      "low/b.c": '#include "b.h"\n#include "a.h"\nint b_back(void) { return 1; }\n'
                 'int b_get(void) { return a_get(); }\n',
      "low/a.c": '#include "a.h"\n#include "b.h"\nint a_get(void) { return b_get() + b_back(); }\n'},
     "modules a, b include or call each other in a circle"),
    ("circle of headers", {"low/b.h": '#include "a.h"\nint b_get(void);\n'},
     "gateway/low/b.h:1: #include \"a.h\""),
    ("folder not in the list of parts", {"other/x.c": "int x_y(void) { return 0; }\n"},
     "part 'other' is not in gateway/meson.build"),
]


def run(files):
    with tempfile.TemporaryDirectory() as root:
        gw = os.path.join(root, "gateway")
        os.makedirs(gw)
        with open(os.path.join(gw, "meson.build"), "w") as f:
            f.write(MESON)
        for rel, text in files.items():
            path = os.path.join(gw, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        p = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr


def main():
    failed = 0
    rc, out = run(CLEAN)
    if rc != 0:
        print(f"FAIL clean tree: exit {rc}\n{out}")
        failed += 1
    for name, change, expect in CASES:
        files = dict(CLEAN)
        files.update(change)
        rc, out = run(files)
        if rc != 1 or expect not in out:
            print(f"FAIL {name}: exit {rc}, wanted 1 and '{expect}' in:\n{out}")
            failed += 1
        else:
            print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
