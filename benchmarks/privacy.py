"""Benchmark of the privacy checks: column-level precision and recall on the labelled corpus,
throughput next to presidio-analyzer on the same cells, and governance-check on 1,000,000 rows.

    python -m benchmarks.privacy                     # corpus + presidio + 1M-row run
    python -m benchmarks.privacy --no-presidio       # without presidio
    python -m benchmarks.privacy --no-speed          # without the 1M-row run

presidio runs in its own virtualenv (benchmarks/requirements-presidio.txt), by default
var/presidio-venv; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, List, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
CORPUS = DATA / "privacy"
PRESIDIO_PYTHON = ROOT / "var" / "presidio-venv" / "bin" / "python"

# presidio entity -> our check code (entities with no counterpart are left out)
PRESIDIO_CHECKS = {
    "EMAIL_ADDRESS": "pii.email", "PHONE_NUMBER": "pii.phone", "IBAN_CODE": "pii.iban",
    "CREDIT_CARD": "pii.credit_card", "IP_ADDRESS": "pii.ip_address", "PERSON": "pii.person_name",
    "DE_TAX_ID": "pii.tax_id", "DE_TAX_NUMBER": "pii.tax_number", "DE_VAT_ID": "pii.vat_id",
    "DE_ID_CARD": "pii.id_card", "DE_PASSPORT": "pii.passport", "DE_SOCIAL_SECURITY": "pii.pension_insurance",
    "DE_HEALTH_INSURANCE": "pii.health_insurance", "DE_KFZ": "pii.licence_plate",
}

Key = Tuple[str, str, str]  # file, column (or <table>), check


def expected(labels: dict) -> Tuple[Set[Key], Dict[Tuple[str, str], str]]:
    keys: Set[Key] = set()
    traps = {}
    for file_name, spec in labels.items():
        for column, label in spec["columns"].items():
            keys |= {(file_name, column, check) for check in label["expect"]}
            if label["trap"]:
                traps[(file_name, column)] = label["trap"]
        keys |= {(file_name, "<table>", check) for check in spec["table"]}
    return keys, traps


def score(predicted: Set[Key], truth: Set[Key]) -> Dict[str, dict]:
    """Precision and recall per check and overall (micro), at column level."""
    checks = sorted({k[2] for k in predicted | truth})
    result = {}
    for check in checks + ["overall"]:
        p = {k for k in predicted if check in ("overall", k[2])}
        t = {k for k in truth if check in ("overall", k[2])}
        tp = len(p & t)
        result[check] = {
            "tp": tp, "fp": len(p - t), "fn": len(t - p),
            "precision": tp / len(p) if p else 1.0, "recall": tp / len(t) if t else 1.0,
        }
    return result


def run_engine(labels: dict) -> Tuple[Set[Key], List[dict]]:
    """The product's path: validate_table on each file (schema inferred), privacy on."""
    from ckanext.governance.checks import validate_table

    predicted: Set[Key] = set()
    findings = []
    for file_name in labels:
        report = validate_table(CORPUS / file_name)
        for finding in report.privacy:
            column = finding.get("column", "<table>")
            predicted.add((file_name, column, finding["check"]))
            findings.append({"file": file_name, **finding})
    return predicted, findings


def engine_throughput(labels: dict, max_rows: int = None) -> dict:
    """Cells per second of the privacy checks alone, on the corpus cells in memory."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from ckanext.governance.checks.privacy import TablePrivacy
    from ckanext.governance.checks.privacy.gazetteer import name_lists

    name_lists()  # loaded once per process, outside the clock (as presidio's warm-up)
    tables = []
    for file_name in labels:
        options = pacsv.ConvertOptions(column_types={}, strings_can_be_null=False, check_utf8=True)
        table = pacsv.read_csv(CORPUS / file_name, convert_options=options,
                               read_options=pacsv.ReadOptions(autogenerate_column_names=False))
        table = table.cast(pa.schema([(name, pa.string()) for name in table.column_names]))
        if max_rows:
            table = table.slice(0, max_rows)
        tables.append(table)
    cells = sum(sum(len(c) - c.null_count - int(pa.compute.sum(pa.compute.equal(c, "")).as_py() or 0)
                    for c in t.columns) for t in tables)
    wall = cpu = 0.0
    for table in tables:
        fields = [(name, "string", {}) for name in table.column_names]
        columns = [column.combine_chunks() for column in table.columns]
        started, started_cpu = time.perf_counter(), time.process_time()
        checks = TablePrivacy(fields)
        checks.observe(columns)
        checks.findings()
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return {"cells": cells, "seconds": wall, "cpu_seconds": cpu}


def run_presidio(python: Path, max_rows: int) -> dict:
    result = subprocess.run([str(python), str(ROOT / "benchmarks" / "presidio_child.py"), str(CORPUS), str(max_rows)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"presidio failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def presidio_predictions(hits: dict, min_share: float = 0.3, free_text_share: float = 0.03) -> Set[Key]:
    """The same column rule as the engine's: a share of cells with the entity (lower for free text)."""
    predicted = set()
    for file_name, columns in hits.items():
        for column, info in columns.items():
            needed = free_text_share if info["words"] > 4 else min_share
            for entity, count in info["entities"].items():
                check = PRESIDIO_CHECKS.get(entity)
                if check and info["cells"] and count / info["cells"] >= needed:
                    predicted.add((file_name, column, check))
    return predicted


# governance-check on 1,000,000 rows

FIRST = ["Anna", "Jonas", "Mehmet", "Agnieszka", "Giuseppe", "Olga", "Fatima", "Lukas", "Leonie", "Yusuf"]
LAST = ["Schmidt", "Yılmaz", "Kowalski", "Rossi", "Iwanow", "Haddad", "Weber", "Fischer", "Nowak", "Becker"]
DISTRICTS = ["Altstadt", "Neustadt", "Oberstadt", "Mombach", "Gonsenheim", "Finthen", "Drais", "Weisenau"]


def write_people_csv(path: Path, rows: int, seed: int = 7) -> None:
    """10 columns, every one a privacy check's business: names, e-mails, phones, ages..."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = date(2026, 1, 1)
    with open(path, "w", encoding="utf-8") as out:
        out.write("id,eingang,name,email,telefon,alter,geschlecht,stadtteil,anzahl,bemerkung\n")
        lines = []
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            lines.append(
                f"{i + 1},{start + timedelta(days=i % 365)},{first} {last},{first.lower()}.{i}@example.org,"
                f"+49 6131 {rng.randint(100000, 999999)},{rng.randint(18, 90)},{rng.choice('mw')},"
                f"{rng.choice(DISTRICTS)},{rng.randint(3, 500)},{rng.choice(['', 'Rückruf erbeten', 'erledigt', 'Herr ' + last + ' rief an'])}\n"
            )
            if len(lines) == 50_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


def run_cli(path: Path, *flags: str) -> dict:
    """The whole governance-check process: wall time, CPU time and peak resident memory (wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "ckanext.governance.checks.cli", str(path), "--format", "json", *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    report = json.loads(stdout)
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "exit": process.returncode,
            "rows": report["stats"]["rows"], "privacy_status": report["privacy_status"],
            "findings": [(f["check"], f.get("column") or f.get("columns"), f["severity"]) for f in report["privacy"]]}


def main(argv: List[str] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-presidio", action="store_true")
    parser.add_argument("--no-speed", action="store_true", help="skip the 1,000,000-row governance-check run")
    parser.add_argument("--presidio-python", type=Path, default=PRESIDIO_PYTHON)
    parser.add_argument("--presidio-rows", type=int, default=0, help="rows per column given to presidio (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="engine throughput runs; the best counts (default 3)")
    parser.add_argument("--speed-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, help="corpus seed (default: the fixed one of privacy_corpus.py)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--show", action="store_true", help="list every wrong decision")
    args = parser.parse_args(argv)

    from benchmarks.privacy_corpus import SEED, write_corpus

    labels = write_corpus(seed=args.seed if args.seed is not None else SEED)
    truth, traps = expected(labels)
    personal = sum(bool(c["expect"]) for f in labels.values() for c in f["columns"].values())
    print(f"corpus: {len(labels)} files, {personal} personal-data columns, {len(traps)} trap columns, "
          f"{len(truth)} labelled (column, check) pairs")
    results: dict = {}

    predicted, findings = run_engine(labels)
    scores = score(predicted, truth)
    blocked = sorted({(f["file"], f["column"]) for f in findings if f.get("column") and f["severity"] == "block"
                      and (f["file"], f["column"]) in traps})
    flagged = sorted({(f["file"], f["column"]) for f in findings if f.get("column") and (f["file"], f["column"]) in traps})
    results["engine"] = {"scores": scores, "traps_blocked": blocked, "traps_flagged": flagged}
    print("\nengine, column level:")
    _print_scores(scores)
    print(f"  trap columns blocked: {len(blocked)} of {len(traps)}; with any finding: {len(flagged)}")
    if args.show:
        for key in sorted(predicted - truth):
            print("  false positive:", key)
        for key in sorted(truth - predicted):
            print("  missed:", key)

    full = max((engine_throughput(labels) for _ in range(args.repeat)), key=lambda r: r["cells"] / r["cpu_seconds"])
    same = max((engine_throughput(labels, args.presidio_rows or None) for _ in range(args.repeat)),
               key=lambda r: r["cells"] / r["cpu_seconds"])
    results["engine_throughput"] = {"all_rows": full, "presidio_rows": same}
    print(f"\nengine throughput (privacy checks alone, cells in memory): "
          f"{full['cells'] / full['cpu_seconds']:,.0f} cells/s CPU, {full['cells'] / full['seconds']:,.0f} cells/s wall "
          f"({full['cells']:,} cells); on presidio's {same['cells']:,} cells: "
          f"{same['cells'] / same['cpu_seconds']:,.0f} cells/s CPU, {same['cells'] / same['seconds']:,.0f} wall")

    if not args.no_presidio:
        presidio = run_presidio(args.presidio_python, args.presidio_rows or 10**9)
        p_scores = score(presidio_predictions(presidio["hits"]), truth)
        cpu_rate = presidio["cells"] / presidio["cpu_seconds"]
        wall_rate = presidio["cells"] / presidio["seconds"]
        results["presidio"] = {"scores": p_scores, "cells": presidio["cells"], "seconds": presidio["seconds"],
                               "cpu_seconds": presidio["cpu_seconds"], "recognizers": presidio["recognizers"]}
        print(f"\npresidio-analyzer ({len(presidio['recognizers'])} pattern recognizers, blank spaCy), "
              f"{'first %d' % args.presidio_rows if args.presidio_rows else 'all'} rows of every column:")
        _print_scores(p_scores)
        print(f"  throughput: {cpu_rate:,.0f} cells/s CPU, {wall_rate:,.0f} cells/s wall ({presidio['cells']:,} cells)")
        ratio_cpu = (same["cells"] / same["cpu_seconds"]) / cpu_rate
        ratio_wall = (same["cells"] / same["seconds"]) / wall_rate
        results["speedup"] = {"cpu": ratio_cpu, "wall": ratio_wall}
        print(f"  engine / presidio on the same cells: {ratio_cpu:,.0f}x (CPU), {ratio_wall:,.0f}x (wall)")

    if not args.no_speed:
        path = DATA / f"people-{args.speed_rows}.csv"
        if not path.exists():
            print(f"\ngenerating {path.relative_to(ROOT)} ...", flush=True)
            write_people_csv(path, args.speed_rows)
        print(f"\ngovernance-check {path.name} ({path.stat().st_size / 2**20:.0f} MB, 10 columns), whole process, "
              f"best of {args.repeat} (wall; CPU = user + system):")
        for label, flags in (("privacy on", ()), ("--no-privacy", ("--no-privacy",))):
            runs = [run_cli(path, *flags) for _ in range(args.repeat)]
            run = min(runs, key=lambda r: r["seconds"])
            run["peak_mb"] = max(r["peak_mb"] for r in runs)
            run["all_seconds"] = [round(r["seconds"], 2) for r in runs]
            results[f"governance_check {label}"] = {"file": path.name, **run}
            print(f"  {label:<13} {run['seconds']:6.2f} s wall, {run['cpu_seconds']:6.2f} s CPU, peak {run['peak_mb']:.0f} MB, "
                  f"{run['rows']:,} rows, privacy {run['privacy_status']}, exit {run['exit']} (runs: {run['all_seconds']})")
            for finding in run["findings"]:
                print("   ", finding)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))


def _print_scores(scores: Dict[str, dict]) -> None:
    for check, s in scores.items():
        print(f"  {check:<26} precision {s['precision']:.2f}  recall {s['recall']:.2f}   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")


if __name__ == "__main__":
    main()
