#!/usr/bin/env python3
"""The engine matrix as a table: scenario x engine -> top cause and exit code.

Usage: engine_matrix_table.py LOG...   (the DND_DIAGNOSIS_LOG files of integration runs,
one per engine; scripts/test.sh writes build/diagnoses-ENGINE.tsv)

Each test is one row, each engine version one column; a cell lists the test's diagnoses in
the order they ran, "top cause exit", repeats folded ("x3"). A row whose cells differ between
engines is marked "differs": the same scenario gave another answer on another engine.
"""
import sys
from collections import OrderedDict


def fold(entries):
    out = []
    for entry in entries:
        if out and out[-1][0] == entry:
            out[-1][1] += 1
        else:
            out.append([entry, 1])
    return ", ".join(e if n == 1 else f"{e} x{n}" for e, n in out)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cells = OrderedDict()  # test -> engine -> [entries]
    engines = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 4:
                    continue
                test, engine, exit_code, cause = fields[:4]
                if engine not in engines:
                    engines.append(engine)
                cells.setdefault(test, {}).setdefault(engine, []).append(f"{cause} {exit_code}")
    print("| scenario | " + " | ".join(engines) + " | |")
    print("|---|" + "---|" * len(engines) + "---|")
    for test, by_engine in cells.items():
        row = [fold(by_engine.get(e, [])) or "(not run)" for e in engines]
        differs = len(set(row)) > 1
        print(f"| {test} | " + " | ".join(row) + (" | differs |" if differs else " | |"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
