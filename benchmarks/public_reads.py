"""Benchmark: what the governance plugin costs on public reads.

    python -m benchmarks.public_reads                # 10,000 datasets (9,000 released), 200 rounds
    python -m benchmarks.public_reads --rounds 50    # quicker
    python -m benchmarks.public_reads --profile      # SQL statements per request, both portals

One catalogue (`benchmarks/catalogue.py`) in its own database (``ckan_bench``,
``datastore_bench``) and Solr core (``ckan_bench``) on the project's services; nothing of
``ckan_dev``/``ckan_test`` is touched. Two CKAN web apps over that same database and core:
``governance`` with the plugin list of dev.ini, ``plain`` with the same list minus
``governance``. Both are served the same way (``ckan run`` without reloader or debugger, one
process each), warmed up, then asked the same anonymous requests in alternation: in every round
each endpoint goes to both apps, first to one, then to the other, the order swapping from round
to round, so that load from elsewhere on the machine and cache effects hit both alike.
The ratio of medians comes with a bootstrap 95% interval over the rounds.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from benchmarks import catalogue

ROOT = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("GOVERNANCE_VAR") or ROOT / "var")
BENCH = VAR / "bench"
PG_PORT = int(os.environ.get("PG_PORT", 55432))
SOLR_PORT = int(os.environ.get("SOLR_PORT", 58983))
REDIS_PORT = int(os.environ.get("REDIS_PORT", 56379))
SMTP_PORT = int(os.environ.get("SMTP_PORT", 58025))
DATABASE, DATASTORE, CORE = "ckan_bench", "datastore_bench", "ckan_bench"
REDIS_DB = 2  # dev uses 0, tests 1
SOLR = f"http://127.0.0.1:{SOLR_PORT}/solr"
CKAN = str(Path(sys.executable).parent / "ckan")
PLUGINS = "governance scheming_datasets datastore datatables_view image_view activity"
APPS = ("governance", "plain")


def _child_env() -> dict[str, str]:
    """CKAN lets CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL, ... override the ini file; a shell that
    exported them for dev or test must not point the benchmark at those databases."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CKAN_")}


# --- databases, Solr core, configuration -----------------------------------------------------

def _psql(database: str, sql: str) -> str:
    return subprocess.run([str(ROOT / "scripts" / "psql-super.sh"), database, "-tA"],
                          input=sql, text=True, capture_output=True, check=True,
                          env=_child_env()).stdout.strip()


def _built_plan_key() -> Optional[str]:
    """The plan of the finished build in the benchmark database, if any."""
    if _psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") != "1":
        return None
    if _psql(DATABASE, "SELECT to_regclass('bench_catalogue') IS NOT NULL") != "t":
        return None
    return _psql(DATABASE, "SELECT plan_key FROM bench_catalogue LIMIT 1") or None


def _create_databases(fresh: bool) -> None:
    for name in (DATABASE, DATASTORE):
        if fresh:
            _psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _psql("postgres", f"SELECT 'CREATE DATABASE {name} OWNER ckan_default ENCODING ''UTF8''' "
                          f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{name}')"
                          "\\gexec")


def _solr(path: str, data: Optional[bytes] = None) -> dict[str, Any]:
    request = urllib.request.Request(f"{SOLR}/{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.load(answer)


def _ensure_core(fresh: bool) -> None:
    """The core ``ckan_bench`` with CKAN's schema, next to the cores services.sh made."""
    status = _solr(f"admin/cores?action=STATUS&core={CORE}&wt=json")["status"][CORE]
    if not status:
        home = Path(_solr("admin/info/system?wt=json")["solr_home"])
        conf = home / CORE / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "services" / "solr" / "conf" / "solrconfig.xml", conf)
        import importlib.resources
        shutil.copy(importlib.resources.files("ckan") / "config/solr/schema.xml", conf)
        for name in ("protwords.txt", "synonyms.txt", "stopwords.txt"):
            (conf / name).touch()
        _solr(f"admin/cores?action=CREATE&name={CORE}&instanceDir={CORE}&wt=json")
    elif fresh:
        _solr(f"{CORE}/update?commit=true&wt=json",
              json.dumps({"delete": {"query": "*:*"}}).encode())


def _solr_count() -> int:
    return _solr(f"{CORE}/select?q=*:*&rows=0&wt=json")["response"]["numFound"]


def write_configs() -> dict[str, Path]:
    """Two ini files over dev.ini that differ only in ``ckan.plugins``."""
    BENCH.mkdir(parents=True, exist_ok=True)
    paths = {}
    for app in APPS:
        plugins = PLUGINS if app == "governance" else PLUGINS.replace("governance ", "")
        path = BENCH / f"{app}.ini"
        path.write_text(f"""# Written by benchmarks/public_reads.py; the {app} portal of the benchmark.
[app:main]
use = config:{ROOT / "dev.ini"}
ckan.plugins = {plugins}
sqlalchemy.url = postgresql://ckan_default:pass@127.0.0.1:{PG_PORT}/{DATABASE}
ckan.datastore.write_url = postgresql://ckan_default:pass@127.0.0.1:{PG_PORT}/{DATASTORE}
ckan.datastore.read_url = postgresql://datastore_default:pass@127.0.0.1:{PG_PORT}/{DATASTORE}
solr_url = {SOLR}/{CORE}
ckan.redis.url = redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}
smtp.server = 127.0.0.1:{SMTP_PORT}
ckan.site_id = governance-bench
ckan.storage_path = {BENCH / "storage"}

[loggers]
keys = root, ckan, ckanext

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[logger_ckan]
qualname = ckan
handlers =
level = WARN

[logger_ckanext]
qualname = ckanext
handlers =
level = WARN

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
""")
        paths[app] = path
    return paths


def _ckan(config: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([CKAN, "-c", str(config), *args], check=True, env=_child_env(),
                          cwd=ROOT, **kwargs)


def _migrate(config: Path) -> None:
    for args in (["db", "upgrade"], ["db", "upgrade", "-p", "activity"],
                 ["db", "upgrade", "-p", "governance"]):
        _ckan(config, *args, capture_output=True)
    permissions = _ckan(config, "datastore", "set-permissions", capture_output=True,
                        text=True).stdout
    subprocess.run([str(ROOT / "scripts" / "psql-super.sh"), DATASTORE], input=permissions,
                   text=True, check=True, capture_output=True, env=_child_env())


def prepare(plan: catalogue.Plan, rebuild: bool, log=print) -> dict[str, Path]:
    """Databases, core, ini files and the catalogue, reusing a finished build of `plan`."""
    configs = write_configs()
    fresh = rebuild or _built_plan_key() != plan.key()
    if fresh:
        log(f"Building the catalogue {plan.key()} ({plan.datasets} datasets, {plan.released} "
            f"released) into {DATABASE} and Solr core {CORE}: a one-off, cached")
    _create_databases(fresh)
    _ensure_core(fresh)
    _migrate(configs["governance"])
    if fresh:
        subprocess.run([sys.executable, "-m", "benchmarks.catalogue", "build",
                        str(configs["governance"]), "--datasets", str(plan.datasets),
                        "--released", str(plan.released)],
                       check=True, env=_child_env(), cwd=ROOT)
    indexed = _solr_count()
    if indexed != plan.datasets:
        log(f"Solr core {CORE} holds {indexed} of {plan.datasets} datasets: reindexing")
        _ckan(configs["governance"], "search-index", "rebuild", "-q")
    return configs


# --- the two servers ---------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    app: str
    config: Path
    port: int = 0
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.port = _free_port()
        log_file = open(BENCH / f"{self.app}.log", "w")
        self.process = subprocess.Popen(
            [CKAN, "-c", str(self.config), "run", "-H", "127.0.0.1", "-p", str(self.port),
             "--disable-reloader", "--disable-debugger"],
            stdout=log_file, stderr=subprocess.STDOUT, env=_child_env(), cwd=ROOT)

    def wait(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.app} server exited; see {BENCH / self.app}.log")
            try:
                if get(self.port, "/api/3/action/status_show")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the {self.app} server did not answer in {seconds:.0f} s")

    def cpu_seconds(self) -> float:
        """CPU time the server's threads have used so far (schedstat: nanoseconds, unlike
        the 10 ms ticks of /proc/<pid>/stat)."""
        total = 0
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def memory(self) -> dict[str, float]:
        """Resident memory now and at its peak (VmRSS, VmHWM), MB."""
        values = {}
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
        return values

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def get(port: int, path: str) -> tuple[int, bytes, float]:
    """One anonymous GET on a fresh connection: status, body, seconds until the body is read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


# --- the workload -----------------------------------------------------------------------------

@dataclass
class Endpoint:
    name: str
    paths: list[str]      # cycled through, one per round
    answer: str = "same"  # API reads: "same" result in both apps, or the governance one a
                          # "subset" (it hides what only private datasets use); pages: ""

    def path(self, round_number: int) -> str:
        return self.paths[round_number % len(self.paths)]


def _api(action: str, **params: Any) -> str:
    encoded = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()}
    return f"/api/3/action/{action}?" + urllib.parse.urlencode(encoded) if encoded \
        else f"/api/3/action/{action}"


def workload(plan: catalogue.Plan, variants: int = 20) -> list[Endpoint]:
    """The public reads: search in a few shapes, a released dataset by API and page, tags."""
    rng = random.Random(7)
    released = [d["name"] for d in catalogue.datasets(plan)
                if d["fate"] in (catalogue.RELEASED, catalogue.RELEASED_WITH_CHANGE)]
    sample = rng.sample(released, min(variants, len(released)))
    topics = rng.sample(catalogue.TOPICS, variants)
    tags = catalogue.keywords(plan)[:variants]
    orgs = [o["name"] for o in catalogue.organizations(plan)]
    facets = ["organization", "tags", "res_format", "license_id"]
    return [
        Endpoint("package_search facets", [
            _api("package_search", **{"facet.field": facets, "rows": 20, "start": 20 * (i % 5)})
            for i in range(variants)]),
        Endpoint("package_search text", [
            _api("package_search", q=topic, rows=10) for topic in topics]),
        Endpoint("package_search fq+sort", [
            _api("package_search", fq=f'tags:"{tag}" organization:{orgs[i % len(orgs)]}',
                 sort="metadata_modified desc", rows=10) for i, tag in enumerate(tags)]),
        Endpoint("package_show", [_api("package_show", id=name) for name in sample]),
        Endpoint("dataset page", [f"/dataset/{name}" for name in sample], answer=""),
        Endpoint("search page", [f"/dataset/?q={urllib.parse.quote(topic)}" for topic in topics],
                 answer=""),
        Endpoint("tag_list", [_api("tag_list")], answer="subset"),
        Endpoint("tag_autocomplete", [_api("tag_autocomplete", q=topic[:3].lower())
                                      for topic in topics], answer="subset"),
        Endpoint("format_autocomplete", [_api("format_autocomplete", q=q)
                                         for q in ("c", "js", "x", "p", "geo", "w", "z")],
                 answer="subset"),
    ]


def _result(body: bytes) -> Any:
    return json.loads(body)["result"]


@dataclass
class Measurement:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in APPS})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in APPS})
    wrong: set[str] = field(default_factory=set)    # paths whose answers broke the expectation
    hidden: set[str] = field(default_factory=set)   # what the governance portal left out


def _check_answers(endpoint: Endpoint, path: str, answers: dict[str, bytes],
                   measurement: Measurement) -> None:
    if not endpoint.answer:
        return
    governance, plain = _result(answers["governance"]), _result(answers["plain"])
    if endpoint.answer == "same" and governance != plain:
        measurement.wrong.add(path)
    elif endpoint.answer == "subset":
        if not set(governance) <= set(plain):
            measurement.wrong.add(path)
        measurement.hidden |= set(plain) - set(governance)


def measure(servers: dict[str, Server], endpoints: list[Endpoint], rounds: int,
            warmup: int, log=print) -> dict[str, Measurement]:
    results = {e.name: Measurement() for e in endpoints}
    total = warmup + rounds
    for number in range(total):
        order = APPS if number % 2 == 0 else APPS[::-1]
        for offset, endpoint in enumerate(endpoints):
            path = endpoint.path(number)
            answers = {}
            for app in (order if offset % 2 == 0 else order[::-1]):
                cpu_before = servers[app].cpu_seconds()
                status, body, seconds = get(servers[app].port, path)
                cpu = servers[app].cpu_seconds() - cpu_before
                if status != 200:
                    raise SystemExit(f"{app} answered {status} to {path}: {body[:300]!r}")
                answers[app] = body
                if number >= warmup:
                    results[endpoint.name].seconds[app].append(seconds)
                    results[endpoint.name].cpu[app].append(cpu)
            _check_answers(endpoint, path, answers, results[endpoint.name])
        if (number + 1) % 25 == 0:
            log(f"  round {number + 1}/{total}" + (" (warm-up)" if number < warmup else ""))
    return results


# --- statistics and the report -----------------------------------------------------------------

def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio_interval(governance: list[float], plain: list[float], samples: int = 2000,
                   seed: int = 1) -> tuple[float, float]:
    """95% bootstrap interval of median(governance) / median(plain), rounds resampled in
    pairs (both apps were asked in the same round)."""
    rng = random.Random(seed)
    n = len(governance)
    ratios = []
    for _ in range(samples):
        picks = [rng.randrange(n) for _ in range(n)]
        ratios.append(statistics.median(governance[i] for i in picks)
                      / statistics.median(plain[i] for i in picks))
    return _percentile(ratios, 0.025), _percentile(ratios, 0.975)


def summarise(endpoints: list[Endpoint], results: dict[str, Measurement]) -> list[dict[str, Any]]:
    rows = []
    for endpoint in endpoints:
        name, measurement = endpoint.name, results[endpoint.name]
        gov, plain = measurement.seconds["governance"], measurement.seconds["plain"]
        low, high = ratio_interval(gov, plain)
        rows.append({
            "endpoint": name, "requests": len(gov),
            "governance_median_ms": statistics.median(gov) * 1000,
            "plain_median_ms": statistics.median(plain) * 1000,
            "governance_p90_ms": _percentile(gov, 0.9) * 1000,
            "plain_p90_ms": _percentile(plain, 0.9) * 1000,
            "median_ratio": statistics.median(gov) / statistics.median(plain),
            "median_ratio_95": [low, high],
            "p90_ratio": _percentile(gov, 0.9) / _percentile(plain, 0.9),
            "governance_cpu_ms": statistics.median(measurement.cpu["governance"]) * 1000,
            "plain_cpu_ms": statistics.median(measurement.cpu["plain"]) * 1000,
            "cpu_ratio": statistics.median(measurement.cpu["governance"])
            / statistics.median(measurement.cpu["plain"]),
            "answer": endpoint.answer,
            "wrong_answers": sorted(measurement.wrong),
            "hidden": sorted(measurement.hidden),
        })
    return rows


def report(rows: list[dict[str, Any]], memory: dict[str, dict[str, float]]) -> str:
    lines = ["| endpoint | governance median | plain median | ratio (95% interval) "
             "| governance p90 | plain p90 | p90 ratio | server CPU, median | CPU ratio "
             "| answers |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        low, high = row["median_ratio_95"]
        if row["wrong_answers"]:
            same = "**WRONG**: " + ", ".join(row["wrong_answers"][:2])
        elif row["answer"] == "subset" and row["hidden"]:
            same = f"same but {len(row['hidden'])} hidden (only on private datasets)"
        else:
            same = {"same": "same", "subset": "same", "": "(page)"}[row["answer"]]
        lines.append(
            f"| {row['endpoint']} | {row['governance_median_ms']:.1f} ms "
            f"| {row['plain_median_ms']:.1f} ms "
            f"| **{row['median_ratio']:.3f}** ({low:.3f}–{high:.3f}) "
            f"| {row['governance_p90_ms']:.1f} ms | {row['plain_p90_ms']:.1f} ms "
            f"| {row['p90_ratio']:.3f} "
            f"| {row['governance_cpu_ms']:.1f} / {row['plain_cpu_ms']:.1f} ms "
            f"| {row['cpu_ratio']:.3f} | {same} |")
    lines.append("")
    for app in APPS:
        lines.append(f"{app} server: {memory[app]['VmRSS']:.0f} MB resident "
                     f"(peak {memory[app]['VmHWM']:.0f} MB)")
    return "\n".join(lines)


# --- profile: SQL statements per request, in-process ------------------------------------------

def _profile_child(config: str, paths: list[str]) -> None:
    """Runs in a child process per app: the SQL statements each path sends, through the
    Flask test client (no HTTP server), printed as JSON."""
    import sqlalchemy as sa

    from ckan import model
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(config))
    client = app._wsgi_app.test_client()
    statements: list[str] = []
    sa.event.listen(model.meta.engine, "before_cursor_execute",
                    lambda conn, cursor, sql, *rest: statements.append(" ".join(sql.split())))
    found = {}
    for path in paths:
        client.get(path)  # the first request of a kind loads and caches things
        statements.clear()
        assert client.get(path).status_code == 200, path
        found[path] = list(statements)
    print(json.dumps(found))


def profile(configs: dict[str, Path], endpoints: list[Endpoint]) -> str:
    """SQL statements per request of each endpoint in both apps, and those only one sends."""
    paths = [e.path(0) for e in endpoints]
    found = {}
    for app in APPS:
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.public_reads", "--profile-child",
             str(configs[app]), *paths],
            check=True, capture_output=True, text=True, env=_child_env(), cwd=ROOT).stdout
        found[app] = json.loads(output.strip().splitlines()[-1])
    lines = ["| endpoint | SQL statements, governance | plain |", "|---|---|---|"]
    extra = []
    for endpoint, path in zip(endpoints, paths):
        gov, plain = found["governance"][path], found["plain"][path]
        lines.append(f"| {endpoint.name} | {len(gov)} | {len(plain)} |")
        remaining = list(plain)
        for statement in gov:
            if statement in remaining:
                remaining.remove(statement)
            else:
                extra.append(f"- {endpoint.name}: `{statement[:160]}`")
    return "\n".join(lines + ["", "Statements only the governance portal sends:"] + extra)


# --- command line --------------------------------------------------------------------------------

def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=catalogue.Plan.datasets)
    parser.add_argument("--released", type=int, default=catalogue.Plan.released)
    parser.add_argument("--rounds", type=int, default=200,
                        help="measured rounds (each asks every endpoint of both apps)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="build the catalogue anew")
    parser.add_argument("--profile", action="store_true",
                        help="count SQL statements per request instead of timing over HTTP")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--only", action="append", metavar="ENDPOINT",
                        help="measure only this endpoint (its name in the report; repeatable)")
    parser.add_argument("--profile-child", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.profile_child:
        return _profile_child(args.profile_child, args.paths)

    plan = catalogue.Plan(datasets=args.datasets, released=args.released)
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    configs = prepare(plan, args.rebuild, log)
    endpoints = [e for e in workload(plan) if not args.only or e.name in args.only]
    if not endpoints:
        parser.error(f"no endpoint named {args.only}")
    if args.profile:
        print(profile(configs, endpoints))
        return
    servers = {app: Server(app, configs[app]) for app in APPS}
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait()
        log(f"Serving governance on :{servers['governance'].port}, plain on "
            f":{servers['plain'].port}; {args.warmup} warm-up and {args.rounds} measured rounds")
        results = measure(servers, endpoints, args.rounds, args.warmup, log)
        memory = {app: server.memory() for app, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    rows = summarise(endpoints, results)
    print(f"\n{plan.datasets} datasets ({plan.released} released), {args.rounds} rounds, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print(report(rows, memory))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"plan": plan.__dict__, "rounds": args.rounds, "rows": rows, "memory": memory},
            indent=2))


if __name__ == "__main__":
    main()
