"""Start-up of ``governance-check``, measured against a bare interpreter in the same run.

    python -m benchmarks.startup              # 30 rounds
    python -m benchmarks.startup --rounds 100 --json startup.json

Each round starts every command once, in turn, so that a busy machine slows all
of them alike; the median and the fastest run of each are reported, and the
ratio of each median to ``python -c pass``'s. The goal is ``--help`` under
0.3 s: a CI job checking many small files should not be dominated by imports.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "governance-check --help": [str(BIN / "governance-check"), "--help"],
    "governance-check --bogus --format json": [str(BIN / "governance-check"), "--bogus", "--format", "json"],
    # what every command paid before the imports were lazy: the whole engine
    "python -c 'import the engine'": [sys.executable, "-c", "import ckanext.governance.checks.engine"],
}


def measure(rounds: int) -> Dict[str, List[float]]:
    times: Dict[str, List[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    times = measure(args.rounds)
    baseline = statistics.median(times["python -c pass"])
    results = {
        name: {
            "median_s": round(statistics.median(runs), 4),
            "min_s": round(min(runs), 4),
            "max_s": round(max(runs), 4),
            "ratio_to_python": round(statistics.median(runs) / baseline, 2),
        }
        for name, runs in times.items()
    }
    print(f"{args.rounds} rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    print(f"{'command':42} {'median':>8} {'min':>8} {'max':>8} {'x python':>9}")
    for name, row in results.items():
        print(f"{name:42} {row['median_s']:8.3f} {row['min_s']:8.3f} {row['max_s']:8.3f} {row['ratio_to_python']:9.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
