"""Benchmark: the data diff of a replaced file against naive peers, in one run.

    python -m benchmarks.datadiff                 # 1,000,000 rows, best of 3
    python -m benchmarks.datadiff --rows 4000000 --repeat 1 --no-csv-diff   # memory when spilling

The released file is the benchmark's valid sensor CSV (benchmarks/generate.py); the pending
file is made from it with a fixed seed: 1% of the rows changed (a new fill level), 0.5%
removed, 0.5% new rows appended, saved again with a byte order mark, Windows line ends and
pandas's quoting (none of which is a change). Every tool must find exactly those counts.

Tools, each in a fresh child process (time: the diff call alone, imports excluded, as wall
time and as CPU time of all the child's threads, which says more on a busy machine; peak:
the child's VmHWM, imports included):

- **engine**: ``diff_tables`` with the Table Schema on both sides (rows matched on the
  primary key ``id``), and **engine-content** without schemas (rows matched on content);
- **pandas**: both files read as strings, an outer merge on ``id``, cells compared;
- **csv-diff** (``csv_diff.compare``, keyed on ``id``) if installed: plain Python dicts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

from benchmarks.run import ROOT, SCHEMA, _peak_mb, ensure_file

SEED = 20261129
CHANGED, REMOVED, ADDED = 0.01, 0.005, 0.005


def make_pending(released: Path) -> Path:
    """The pending version of ``released`` and its expected counts (next to it, as JSON)."""
    import numpy as np
    import pandas as pd

    pending = released.with_name(released.stem + "-pending.csv")
    expected_path = pending.with_suffix(".json")
    if pending.exists() and expected_path.exists():
        return pending
    print(f"generating {pending.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
    rng = np.random.default_rng(SEED)
    frame = pd.read_csv(released, dtype=str, keep_default_na=False)
    draw = rng.random(len(frame))
    removed = draw < REMOVED
    changed = (draw >= REMOVED) & (draw < REMOVED + CHANGED)
    frame.loc[changed, "fill_level"] = np.where(frame.loc[changed, "fill_level"] == "50.0", "50.5", "50.0")
    kept = frame[~removed]
    added = frame.sample(n=int(len(frame) * ADDED), random_state=SEED).copy()
    added["id"] = (np.arange(len(added)) + len(frame) + 1).astype(str)
    result = pd.concat([kept, added])
    result.to_csv(pending, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    expected = {"added": len(added), "removed": int(removed.sum()), "changed": int(changed.sum()),
                "unchanged": int(len(frame) - removed.sum() - changed.sum())}
    expected_path.write_text(json.dumps(expected))
    return pending


def _child(tool: str, released: str, pending: str) -> Dict[str, Any]:
    if tool in ("engine", "engine-content"):
        from ckanext.governance.checks.datadiff import diff_tables

        schema = json.loads(SCHEMA.read_text()) if tool == "engine" else None
        started, cpu = time.perf_counter(), time.process_time()
        diff = diff_tables(released, pending, released_schema=schema, pending_schema=schema)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = diff["rows"]
    elif tool == "pandas":
        import pandas as pd

        started, cpu = time.perf_counter(), time.process_time()
        before = pd.read_csv(released, dtype=str, keep_default_na=False)
        after = pd.read_csv(pending, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        merged = before.merge(after, on="id", how="outer", suffixes=("_r", "_p"), indicator=True)
        both = merged[merged["_merge"] == "both"]
        columns = [c for c in before.columns if c != "id"]
        differs = pd.concat([both[c + "_r"] != both[c + "_p"] for c in columns], axis=1).any(axis=1)
        counts = {"added": int((merged["_merge"] == "right_only").sum()),
                  "removed": int((merged["_merge"] == "left_only").sum()),
                  "changed": int(differs.sum()), "unchanged": int((~differs).sum())}
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    elif tool == "csv-diff":
        from csv_diff import compare, load_csv

        started, cpu = time.perf_counter(), time.process_time()
        with open(released, newline="", encoding="utf-8") as a, \
                open(pending, newline="", encoding="utf-8-sig") as b:
            result = compare(load_csv(a, key="id"), load_csv(b, key="id"))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = {"added": len(result["added"]), "removed": len(result["removed"]),
                  "changed": len(result["changed"])}
    else:
        raise SystemExit(f"unknown tool {tool}")
    return {"tool": tool, "seconds": seconds, "cpu_seconds": cpu, "peak_mb": _peak_mb(), "rows": counts}


def measure(tool: str, released: Path, pending: Path, repeat: int) -> Dict[str, Any]:
    runs = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.datadiff", "--child", tool, str(released), str(pending)],
            cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{tool} failed:\n{result.stderr}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda run: run["seconds"])
    return {**best, "peak_mb": max(run["peak_mb"] for run in runs),
            "cpu_seconds": min(run["cpu_seconds"] for run in runs),
            "all_seconds": [round(run["seconds"], 2) for run in runs]}


def main(argv: List[str] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the released file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best time counts")
    parser.add_argument("--no-csv-diff", action="store_true", help="skip csv-diff (slow, large)")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas merge")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", nargs=3, metavar=("TOOL", "RELEASED", "PENDING"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    released = ensure_file(args.rows, invalid=False)
    pending = make_pending(released)
    expected = json.loads(pending.with_suffix(".json").read_text())
    tools = ["engine", "engine-content"]
    tools += [] if args.no_pandas else ["pandas"]
    if not args.no_csv_diff:
        try:
            import csv_diff  # noqa: F401
            tools.append("csv-diff")
        except ImportError:
            print("csv-diff is not installed (pip install csv-diff): left out", file=sys.stderr)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {args.repeat}")
    print(f"{released.name} ({released.stat().st_size / 2**20:.0f} MB) -> "
          f"{pending.name} ({pending.stat().st_size / 2**20:.0f} MB); expected {expected}")
    content_expected = {"added": expected["added"] + expected["changed"],
                        "removed": expected["removed"] + expected["changed"], "changed": 0,
                        "unchanged": expected["unchanged"]}
    results = {"rows": args.rows, "expected": expected, "tools": {}}
    for tool in tools:
        measured = measure(tool, released, pending, args.repeat)
        want = content_expected if tool == "engine-content" else expected
        same = all(measured["rows"].get(k) == v for k, v in want.items() if k in measured["rows"])
        measured["correct"] = same
        results["tools"][tool] = measured
        print(f"  {tool:<15} {measured['seconds']:8.2f} s  cpu {measured['cpu_seconds']:6.2f} s  {measured['peak_mb']:7.0f} MB  "
              f"{measured['rows']}  {'correct' if same else 'WRONG'}  runs {measured['all_seconds']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
