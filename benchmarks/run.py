"""Benchmark: this checks engine against frictionless-py on sensor CSV files.

    python -m benchmarks.run                 # 1,000,000 rows, valid + invalid file, best of 3
    python -m benchmarks.run --rows 100000   # quicker
    python -m benchmarks.run --big           # ~1 GB file, this engine only (memory)

Every measurement runs in its own child process: the time is the validation
call alone (imports excluded, for both tools), the peak memory is the child's
peak resident set size (VmHWM; imports included).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SCHEMA = ROOT / "schemas" / "table" / "waste-bin-sensors.json"
BIG_ROWS = 12_000_000  # about 1 GB


def _child(tool: str, path: str) -> Dict[str, Any]:
    """Runs inside the child process."""
    from collections import Counter

    if tool == "engine":
        from ckanext.governance.checks import validate_table

        started = time.perf_counter()
        report = validate_table(path, str(SCHEMA), error_limit=0)
        seconds = time.perf_counter() - started
        counts, rows = dict(report.error_counts), report.rows
    elif tool == "frictionless":
        import frictionless
        from frictionless.resources import TableResource

        schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text()))
        # a relative path: frictionless refuses absolute ones as unsafe
        resource = TableResource(path=os.path.basename(path), basepath=os.path.dirname(path), schema=schema)
        started = time.perf_counter()
        report = resource.validate(limit_errors=10**12)
        seconds = time.perf_counter() - started
        task = report.tasks[0]
        counts, rows = dict(Counter(error.type for error in task.errors)), task.stats.get("rows")
    elif tool == "pyarrow":
        import pyarrow.csv as pacsv

        started = time.perf_counter()
        options = pacsv.ParseOptions(invalid_row_handler=lambda row: "skip")
        rows = pacsv.read_csv(path, parse_options=options).num_rows
        seconds = time.perf_counter() - started
        counts = {}
    elif tool == "pandas":
        import pandas

        started = time.perf_counter()
        rows = len(pandas.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="skip"))
        seconds = time.perf_counter() - started
        counts = {}
    else:
        raise SystemExit(f"unknown tool {tool}")
    return {"tool": tool, "seconds": seconds, "peak_mb": _peak_mb(), "rows": rows, "errors": counts}


def _peak_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM, not ru_maxrss: after
    fork+exec, ru_maxrss still carries the parent's peak (here: the generator's)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(tool: str, path: Path, repeat: int = 1) -> Dict[str, Any]:
    """Best time of ``repeat`` fresh child processes (the machine may be busy), highest peak."""
    runs = []
    for _ in range(repeat):
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--child", tool, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"{tool} failed on {path}:\n{result.stderr}")
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda run: run["seconds"])
    return {**best, "peak_mb": max(run["peak_mb"] for run in runs), "all_seconds": [run["seconds"] for run in runs]}


def ensure_file(rows: int, invalid: bool) -> Path:
    from benchmarks.generate import write_csv

    path = DATA / f"waste-bins-{rows}-{'invalid' if invalid else 'valid'}.csv"
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
        write_csv(path, rows, invalid=invalid)
    return path


def _line(name: str, m: Dict[str, Any]) -> str:
    errors = sum(m["errors"].values())
    return f"  {name:<13} {m['seconds']:8.2f} s  {m['peak_mb']:7.0f} MB  rows {m['rows']!s:>9}  errors {errors}"


def compare(rows: int, tools: List[str], repeat: int) -> List[Dict[str, Any]]:
    results = []
    for invalid in (False, True):
        path = ensure_file(rows, invalid)
        size = path.stat().st_size / 2**20
        print(f"\n{path.name} ({size:.0f} MB)")
        measured = {tool: measure(tool, path, repeat) for tool in tools}
        for tool in tools:
            print(_line(tool, measured[tool]))
        engine = measured["engine"]
        result = {"file": path.name, "mb": size, **{tool: measured[tool] for tool in tools}}
        if "frictionless" in measured:
            reference = measured["frictionless"]
            ratio = reference["seconds"] / engine["seconds"]
            same = engine["errors"] == reference["errors"]
            result.update(ratio=ratio, same_counts=same)
            print(f"  speed-up vs frictionless: {ratio:.1f}x; same error counts per code: {'yes' if same else 'NO'}")
            codes = sorted(set(engine["errors"]) | set(reference["errors"]))
            for code in codes:
                print(f"    {code:<18} engine {engine['errors'].get(code, 0):>8}   frictionless {reference['errors'].get(code, 0):>8}")
        results.append(result)
    return results


def big(keep: bool) -> Dict[str, Any]:
    from benchmarks.generate import write_csv

    path = DATA / "waste-bins-big-valid.csv"
    if not path.exists():
        print(f"generating {path.relative_to(ROOT)} ({BIG_ROWS} rows) ...", file=sys.stderr, flush=True)
        write_csv(path, BIG_ROWS, invalid=False)
    size = path.stat().st_size / 2**20
    print(f"\n{path.name} ({size:.0f} MB)")
    try:
        measured = measure("engine", path)
        print(_line("engine", measured))
    finally:
        if not keep:
            path.unlink()
    return {"file": path.name, "mb": size, "engine": measured}


def main(argv: List[str] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows per file (default 1,000,000)")
    parser.add_argument("--big", action="store_true", help="also validate a ~1 GB file with this engine (memory)")
    parser.add_argument("--keep", action="store_true", help="keep the ~1 GB file afterwards")
    parser.add_argument("--no-frictionless", action="store_true", help="skip frictionless-py (slow)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and file; the best time counts (default 3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    tools = ["engine"] + ([] if args.no_frictionless else ["frictionless"]) + ["pyarrow", "pandas"]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"best of {args.repeat} runs per tool; peak = highest VmHWM of those runs")
    results: Dict[str, Any] = {"rows": args.rows, "files": compare(args.rows, tools, args.repeat)}
    if args.big:
        results["big"] = big(args.keep)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
