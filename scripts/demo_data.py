"""Demo content for `make dev`: an organization, its people and a few datasets.

Usage: python scripts/demo_data.py dev.ini   (prints the demo log-ins)
Idempotent: what exists is kept; the pipeline's API token is made once and remembered.
"""
import sys
from pathlib import Path

from ckanapi import LocalCKAN, NotFound

from ckan.cli import load_config
from ckan.config.middleware import make_app

DEMO = Path(__file__).resolve().parent.parent / "demo"
ORG = {"name": "stadt-mainz", "title": "Landeshauptstadt Mainz",
       "description": "Demo-Organisation: Ämter der Stadt Mainz."}
USERS = [  # name, password, role in ORG (None: sysadmin)
    ("admin", "admin-demo-2026", None),
    ("steward", "steward-demo-2026", "member"),
    ("publisher", "publisher-demo-2026", "editor"),
    ("pipeline", "pipeline-demo-2026", "editor"),
]
COMMON = {
    "license_id": "dl-de-by-2.0", "publisher_name": "Landeshauptstadt Mainz",
    "contact_name": "Open-Data-Team Mainz", "contact_email": "opendata@mainz.example",
    "spatial_text": "Mainz", "owner_org": ORG["name"],
}
DATASETS = [
    {"name": "abfallbehaelter-fuellstaende", "title": "Füllstände der Abfallbehälter",
     "notes": "Messwerte der Füllstandssensoren in öffentlichen Abfallbehältern.",
     "tag_string": "Abfall,Sensoren,Umwelt", "frequency": "continuous", "temporal_start": "2026-11-01",
     "file": "waste-bin-fill-levels.csv", "schema": "waste-bin-sensors"},
    {"name": "strassenzustand", "title": "Straßenzustand",
     "notes": "Gemeldete Schäden und Zustand der Straßen.",
     "tag_string": "Verkehr,Straßen", "frequency": "weekly", "temporal_start": "2026-10-01",
     "file": "road-conditions.csv", "schema": "road-conditions"},
    {"name": "buergeramt-besuche", "title": "Besuche in den Bürgerämtern",
     "notes": "Monatliche Besuchszahlen und Wartezeiten je Dienstleistung.",
     "tag_string": "Verwaltung,Bürgerservice", "frequency": "monthly", "temporal_start": "2026-01-01",
     "file": "citizen-office-visits.csv", "schema": "citizen-office-visits"},
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
        if role:
            site.action.organization_member_create(id=ORG["name"], username=name, role=role)


def ensure_token(site, token_file):
    if not token_file.exists():
        token = site.action.api_token_create(user="pipeline", name="demo pipeline")["token"]
        token_file.write_text(token)
    return token_file.read_text()


def ensure_datasets(publisher):
    for spec in DATASETS:
        spec = dict(spec)
        file_name, schema = spec.pop("file"), spec.pop("schema")
        try:
            publisher.action.package_show(id=spec["name"])
            continue
        except NotFound:
            pass
        dataset = publisher.action.package_create(**COMMON, **spec)
        with open(DEMO / file_name, "rb") as upload:
            publisher.action.resource_create(package_id=dataset["id"], name=file_name,
                                             format="CSV", schema=schema, upload=upload)


def main(ini):
    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        site = LocalCKAN()  # the site user
        ensure_users(site)
        ensure_org(site)
        token = ensure_token(site, Path(ini).resolve().parent / "var" / "pipeline-token.txt")
        ensure_datasets(LocalCKAN(username="publisher"))
    print("  Demo log-ins (user / password):")
    for name, password, role in USERS:
        print(f"    {name:10} {password:22} {role or 'sysadmin'}")
    print(f"  Pipeline API token (user 'pipeline'): {token}")


if __name__ == "__main__":
    main(sys.argv[1])
