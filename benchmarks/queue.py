"""Benchmark: the steward's review queue with 10,000 open reviews.

    python -m benchmarks.queue                  # 10,000 open reviews, 40 rounds
    python -m benchmarks.queue --reviews 1000   # another size (the database is rebuilt)

Builds its own database `ckan_bench_queue` on the project's PostgreSQL (never the dev or
test ones): 20 organizations, a steward of all of them, and datasets with open reviews in
every open state, each with a finished check run whose report is of realistic size (failed
runs carry 200 errors), 10% with a steward's decision. The rows are written with SQL, as the
workflow would leave them; the queue only reads them.

Then it serves CKAN in-process (Flask test client, the test configuration pointed at that
database) and times, interleaved round by round, as the steward with an API token:
`governance_queue_list` over the API with the queue's filters, the queue page (first page,
a late page, filtered), and two peers measured in the same run: `status_show` (the cheapest
API call, the floor of an API request) and the `/about` page (a CKAN page without a query,
the floor of a page). Reports p50 and p90 in milliseconds.
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

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "ckan_bench_queue"
ORGANIZATIONS = 20
# Share of open reviews per state (in_review dominates a real queue).
STATES = [("in_review", 0.6), ("checking", 0.15), ("checks_failed", 0.15),
          ("changes_requested", 0.1)]


def _environment() -> dict[str, str]:
    """CKAN's CKAN_* variables for the test configuration, with the benchmark's database."""
    env = dict(os.environ)
    pg, redis, solr, smtp = (env.get("PG_PORT", "55432"), env.get("REDIS_PORT", "56379"),
                             env.get("SOLR_PORT", "58983"), env.get("SMTP_PORT", "58025"))
    env.update({
        "CKAN_SQLALCHEMY_URL": f"postgresql://ckan_default:pass@127.0.0.1:{pg}/{DATABASE}",
        "CKAN_DATASTORE_WRITE_URL":
            f"postgresql://ckan_default:pass@127.0.0.1:{pg}/datastore_test",
        "CKAN_DATASTORE_READ_URL":
            f"postgresql://datastore_default:pass@127.0.0.1:{pg}/datastore_test",
        "CKAN_SOLR_URL": f"http://127.0.0.1:{solr}/solr/ckan_test",
        "CKAN_REDIS_URL": f"redis://127.0.0.1:{redis}/2",
        "CKAN_SMTP_SERVER": f"127.0.0.1:{smtp}",
    })
    return env


def _create_database(env: dict[str, str], fresh: bool) -> None:
    sql = (f"DROP DATABASE IF EXISTS {DATABASE};\n" if fresh else "") + (
        f"SELECT 'CREATE DATABASE {DATABASE} OWNER ckan_default' "
        f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DATABASE}')\\gexec\n")
    subprocess.run([str(ROOT / "scripts" / "psql-super.sh"), "postgres"], input=sql,
                   text=True, check=True, env=env)
    ckan = [str(ROOT / ".venv" / "bin" / "ckan"), "-c", str(ROOT / "test.ini")]
    for plugin in ([], ["-p", "activity"], ["-p", "governance"]):
        subprocess.run([*ckan, "db", "upgrade", *plugin], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _populate(reviews: int) -> tuple[str, str]:
    """Organizations, a steward of all of them, and `reviews` datasets with open reviews.
    Returns the steward's name and API token."""
    import sqlalchemy as sa

    import ckan.plugins.toolkit as tk
    from ckan import model

    site = {"ignore_auth": True, "user": tk.get_action("get_site_user")(
        {"ignore_auth": True}, {})["name"]}
    steward = tk.get_action("user_create")(dict(site), {
        "name": "bench-steward", "email": "steward@bench.example",
        "password": "bench-steward-2026"})
    publisher = tk.get_action("user_create")(dict(site), {
        "name": "bench-publisher", "email": "publisher@bench.example",
        "password": "bench-publisher-2026"})
    organizations = [tk.get_action("organization_create")(dict(site), {
        "name": f"bench-org-{number:02d}", "title": f"Stadtamt {number:02d}",
        "users": [{"name": "bench-publisher", "capacity": "editor"}]})["id"]
        for number in range(ORGANIZATIONS)]
    for organization in organizations:
        tk.get_action("governance_steward_create")(dict(site), {
            "organization_id": organization, "user_id": steward["id"]})
    bounds, start = [], 0
    for state, share in STATES:
        bounds.append((state, start, start + round(share * reviews)))
        start += round(share * reviews)
    cases = " ".join(f"WHEN n % {reviews} BETWEEN {low} AND {high - 1} THEN '{state}'"
                     for state, low, high in bounds)
    errors = json.dumps([{"code": "type-error", "row": row, "field": "fill_level",
                          "field_number": 4, "cell": "voll", "note": 'type is "number/default"',
                          "message": f'Type error in the cell "voll" in row "{row}"'}
                         for row in range(2, 202)])
    statements = [
        # Datasets, private as unreleased ones are, spread over the organizations.
        f"""INSERT INTO package (id, name, title, type, state, private, owner_org,
                                 metadata_created, metadata_modified, extras, creator_user_id)
            SELECT 'bench-pkg-' || n, 'bench-dataset-' || n, 'Messreihe ' || n, 'dataset',
                   'active', true, (ARRAY{organizations!r})[1 + n % {ORGANIZATIONS}],
                   now() - n * interval '1 minute', now(), '{{}}'::jsonb, '{publisher["id"]}'
            FROM generate_series(1, {reviews}) AS n""",
        f"""INSERT INTO governance_review (id, package_id, organization_id, kind, state,
                                           staged_files, content_hash, submitted_by,
                                           submitted_at, last_editor, created, modified)
            SELECT 'bench-review-' || n, 'bench-pkg-' || n,
                   (ARRAY{organizations!r})[1 + n % {ORGANIZATIONS}],
                   CASE WHEN n % 5 = 0 THEN 'change' ELSE 'release' END,
                   CASE {cases} END, '{{}}'::jsonb, md5(n::text) || md5(n::text),
                   '{publisher["id"]}', now() - (n % 4000) * interval '17 minutes',
                   '{publisher["id"]}', now() - (n % 4000) * interval '18 minutes', now()
            FROM generate_series(1, {reviews}) AS n""",
        f"""INSERT INTO governance_check_run (id, review_id, content_hash, state, report,
                                              created, finished)
            SELECT 'bench-run-' || r.id, r.id, r.content_hash,
                   CASE r.state WHEN 'checking' THEN 'queued'
                                WHEN 'checks_failed' THEN 'failed' ELSE 'passed' END,
                   CASE r.state WHEN 'checking' THEN NULL
                        WHEN 'checks_failed' THEN jsonb_build_object(
                            'valid', false, 'summary', jsonb_build_object('blocking', 1,
                            'table_errors', 200), 'resources', jsonb_build_array(
                            jsonb_build_object('id', 'r', 'report', jsonb_build_object(
                                'errors', '{errors}'::jsonb, 'error_count', 200))))
                        ELSE jsonb_build_object('valid', true, 'summary',
                            jsonb_build_object('blocking', 0, 'table_errors', 0)) END,
                   r.submitted_at, CASE WHEN r.state = 'checking' THEN NULL
                                        ELSE r.submitted_at + interval '1 minute' END
            FROM governance_review r WHERE r.id LIKE 'bench-review-%'""",
        f"""INSERT INTO governance_decision (id, review_id, decision, reasons, comment,
                                             content_hash, user_id, created)
            SELECT 'bench-decision-' || r.id, r.id, 'request_changes',
                   '["metadata-incomplete"]'::jsonb, 'Bitte die Beschreibung ergänzen.',
                   r.content_hash, '{steward["id"]}', r.submitted_at + interval '1 hour'
            FROM governance_review r WHERE r.state = 'changes_requested'""",
        "ANALYZE",
    ]
    for statement in statements:
        model.Session.execute(sa.text(statement))
    model.repo.commit()
    token = tk.get_action("api_token_create")(dict(site), {
        "user": steward["name"], "name": "bench"})["token"]
    return steward["name"], token


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)

    env = _environment()
    _create_database(env, fresh=True)
    os.environ.update(env)
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    with app._wsgi_app.test_request_context():
        _steward, token = _populate(args.reviews)
    client = app.test_client()
    headers = {"Authorization": token}
    last_page = args.reviews // 50 // 2
    endpoints = {
        "governance_queue_list (in review, 50)":
            "/api/3/action/governance_queue_list",
        "governance_queue_list (all open, 50)":
            "/api/3/action/governance_queue_list?state=open",
        "governance_queue_list (open, waiting >= 7 days, offset 2000)":
            "/api/3/action/governance_queue_list?state=open&min_days=7&offset=2000",
        "governance_queue_list (waiting for me, newest first)":
            "/api/3/action/governance_queue_list?waiting_for_me=true&sort=newest",
        "queue page (default: all open, page 1)": "/governance/queue",
        f"queue page (page {last_page})": f"/governance/queue?page={last_page}",
        "queue page (one organization, waiting >= 7 days)":
            "/governance/queue?organization=bench-org-03&min_days=7",
        "peer: status_show (API floor)": "/api/3/action/status_show",
        "peer: /about page (page floor)": "/about",
    }
    for url in endpoints.values():  # warm up caches and templates
        for _ in range(3):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
    count = json.loads(client.get("/api/3/action/governance_queue_list?state=open&limit=0",
                                  headers=headers).data)["result"]["count"]
    times: dict[str, list[float]] = {name: [] for name in endpoints}
    for _ in range(args.rounds):
        for name, url in endpoints.items():
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    results = {name: {"p50_ms": round(statistics.median(values), 1),
                      "p90_ms": round(_percentile(values, 0.9), 1)}
               for name, values in times.items()}
    print(f"\n{count:,} open reviews visible to the steward, {args.rounds} rounds\n")
    print(f"| {'endpoint':<62} | p50 ms | p90 ms |")
    print(f"|{'-' * 64}|--------|--------|")
    for name, result in results.items():
        print(f"| {name:<62} | {result['p50_ms']:>6} | {result['p90_ms']:>6} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"open_reviews": count, "rounds": args.rounds,
                                               "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
