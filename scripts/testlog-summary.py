#!/usr/bin/env python3
"""Count meson test results from testlog.json files: 'N passed, N failed, N skipped'."""
import json
import sys

def count(paths):
    passed = failed = skipped = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        continue
                    r = json.loads(line).get("result", "")
                    if r in ("OK", "EXPECTEDFAIL"):
                        passed += 1
                    elif r == "SKIP":
                        skipped += 1
                    else:
                        failed += 1
        except FileNotFoundError:
            failed += 1  # a suite that did not run at all counts as a failure
    return passed, failed, skipped

args = [a for a in sys.argv[1:] if not a.startswith("--")]
p, f, s = count(args)
print(f"{p} passed, {f} failed, {s} skipped")
