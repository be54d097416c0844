"""Demo content for `make dev`: an organization, its people and datasets in every review state.

Usage: python scripts/demo_data.py dev.ini   (prints the demo log-ins)
Idempotent: what exists is kept; the pipeline's API token is made once and remembered.

- abfallbehaelter-fuellstaende: clean sensor data, released (and a pending change to it)
- strassenzustand: breaks its Table Schema, so its checks failed
- buergeramt-besuche: clean, waiting in the steward's queue
- buergermeldungen: personal data (names, e-mails, phones): its privacy checks failed, and the
  steward reads the findings (masked) on its review page
- baustellen: a draft nobody submitted yet
"""
import sys
from pathlib import Path

from ckanapi import LocalCKAN, NotFound

from ckan.cli import load_config
from ckan.lib import jobs
from ckan.config.middleware import make_app

DEMO = Path(__file__).resolve().parent.parent / "demo"
ORG = {"name": "stadt-mainz", "title": "Landeshauptstadt Mainz",
       "description": "Demo-Organisation: Ämter der Stadt Mainz."}
USERS = [  # name, password, what they are
    ("admin", "admin-demo-2026", "sysadmin"),
    ("steward", "steward-demo-2026", "steward"),
    ("publisher", "publisher-demo-2026", "editor"),
    ("pipeline", "pipeline-demo-2026", "editor"),
]
COMMON = {
    "license_id": "dl-de-by-2.0", "publisher_name": "Landeshauptstadt Mainz",
    "contact_name": "Open-Data-Team Mainz", "contact_email": "opendata@mainz.example",
    "spatial_text": "Mainz", "owner_org": ORG["name"],
}
DATASETS = [  # "goal": the review state the demo leaves the dataset in
    {"name": "abfallbehaelter-fuellstaende", "title": "Füllstände der Abfallbehälter",
     "notes": "Messwerte der Füllstandssensoren in öffentlichen Abfallbehältern.",
     "tag_string": "Abfall,Sensoren,Umwelt", "frequency": "continuous",
     "temporal_start": "2026-11-01", "file": "waste-bin-fill-levels.csv",
     "schema": "waste-bin-sensors", "goal": "released"},
    {"name": "strassenzustand", "title": "Straßenzustand im Winter",
     "notes": "Zustand der Straßenabschnitte bei Schnee und Eis.",
     "tag_string": "Verkehr,Straßen,Winterdienst", "frequency": "daily",
     "temporal_start": "2026-01-01", "file": "road-conditions.csv",
     "schema": "road-conditions", "goal": "checks_failed"},
    {"name": "buergeramt-besuche", "title": "Besuche in den Bürgerbüros",
     "notes": "Tägliche Besuchszahlen und Wartezeiten je Dienstleistung.",
     "tag_string": "Verwaltung,Bürgerservice", "frequency": "daily",
     "temporal_start": "2026-10-01", "file": "citizen-office-visits.csv",
     "schema": "citizen-office-visits", "goal": "in_review"},
    {"name": "buergermeldungen", "title": "Meldungen an den Bürgerservice",
     "notes": "Meldungen zu Sperrmüll, Schlaglöchern und Beleuchtung.",
     "tag_string": "Bürgerservice", "frequency": "weekly", "temporal_start": "2026-09-01",
     "file": "service-requests.csv", "schema": "", "goal": "checks_failed"},
    {"name": "baustellen", "title": "Baustellen im Stadtgebiet",
     "notes": "", "tag_string": "Verkehr", "frequency": "weekly",
     "temporal_start": "2026-11-01", "file": None, "schema": "", "goal": "draft"},
]


def ensure_users(site):
    for name, password, _ in USERS:
        try:
            site.action.user_show(id=name)
        except NotFound:
            site.action.user_create(name=name, password=password, email=f"{name}@mainz.example",
                                    fullname=name.capitalize())
    site.action.user_patch(id="admin", sysadmin=True)


def ensure_org(site):
    try:
        site.action.organization_show(id=ORG["name"])
    except NotFound:
        site.action.organization_create(**ORG)
    for name, _, role in USERS:
        if role == "editor":
            site.action.organization_member_create(id=ORG["name"], username=name, role=role)
        elif role == "steward":  # a steward, not a member: sees what is under review only
            LocalCKAN(username="admin").action.governance_steward_create(
                organization_id=ORG["name"], user_id=name)


def ensure_token(site, token_file):
    if not token_file.exists():
        token = site.action.api_token_create(user="pipeline", name="demo pipeline")["token"]
        token_file.write_text(token)
    return token_file.read_text()


def ensure_datasets(publisher, steward):
    created = []
    for spec in DATASETS:
        spec = dict(spec)
        file_name, schema, goal = spec.pop("file"), spec.pop("schema"), spec.pop("goal")
        try:
            publisher.action.package_show(id=spec["name"])
            continue
        except NotFound:
            pass
        dataset = publisher.action.package_create(**COMMON, **spec)
        if file_name:
            with open(DEMO / file_name, "rb") as upload:
                publisher.action.resource_create(package_id=dataset["id"], name=file_name,
                                                 format="CSV", schema=schema, upload=upload)
        if goal != "draft":
            publisher.action.governance_review_submit(package_id=dataset["id"])
        created.append((dataset["id"], goal))
    jobs.Worker().work(burst=True)  # the check runs
    for dataset_id, goal in created:
        if goal == "released":
            seen = steward.action.governance_review_show(package_id=dataset_id)["content_hash"]
            steward.action.governance_review_approve(package_id=dataset_id, content_hash=seen,
                                                     comment="Geprüft, sauber.")
            # and a change to the released version, waiting for review
            publisher.action.package_patch(
                id=dataset_id, notes="Messwerte der Füllstandssensoren in öffentlichen "
                "Abfallbehältern, jetzt mit Batteriestand der Sensoren.")
            publisher.action.governance_review_submit(package_id=dataset_id)
    jobs.Worker().work(burst=True)


def main(ini):
    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        site = LocalCKAN()  # the site user
        ensure_users(site)
        ensure_org(site)
        token = ensure_token(site, Path(ini).resolve().parent / "var" / "pipeline-token.txt")
        ensure_datasets(LocalCKAN(username="publisher"), LocalCKAN(username="steward"))
    print("  Demo log-ins (user / password):")
    for name, password, role in USERS:
        print(f"    {name:10} {password:22} {role}")
    print(f"  Pipeline API token (user 'pipeline'): {token}")


if __name__ == "__main__":
    main(sys.argv[1])
