"""No leaks: what a steward has not approved reaches nobody outside the organization and its
stewards, through any channel of PRODUCT.md 1.2.

Three datasets carry unique markers: (a) never approved, (b) released with a pending change (new
metadata value, new resource, replaced file), (c) rejected. Each outsider (anonymous, a member
of another organization, a steward of another organization) then walks every channel over
HTTP, and no response body may contain a marker or an unreleased id that the caller did not
put into the request itself.
"""
import hashlib
import io
import json
import re
import uuid

import pytest

from ckan.lib import jobs

pytestmark = pytest.mark.usefixtures("with_plugins")

_CSRF_TOKEN = re.compile(r'(name="_csrf_token" (?:content|value)=")[^"]*')
CSV_HEADER = b"id,sensor_id,measured_at,fill_level,battery,status,lid_open,district,note\n"


def _csv(note):
    return CSV_HEADER + b"1,MZ-WB-00001,2026-11-01T06:15:00Z,63.5,88,ok,false,Altstadt," + \
        note.encode() + b"\n"


def _file(content, name):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


class Scenario:
    """The three datasets and everything secret about them."""

    def __init__(self, world):
        publisher = world.as_user(world.publisher)
        steward = world.as_user(world.steward)
        self.secrets = []

        # (a) never approved, with a DataStore table, a tag and a format of its own
        never = world.new_dataset(
            "leak-never-a", title="Leak MARKERATITLE", notes="MARKERANOTES",
            tag_string="markeratag", csv=_csv("MARKERAFILE"))
        resource = never["resources"][0]
        publisher.action.resource_patch(id=resource["id"], format="markerafmt")
        publisher.action.datastore_create(
            resource_id=resource["id"], force=True, fields=[{"id": "note", "type": "text"}],
            records=[{"note": "MARKERADATASTORE"}])
        world.submit_and_check(never["id"])
        self.never = publisher.action.package_show(id=never["id"])
        self.secrets += ["MARKERA", never["id"], "leak-never-a", resource["id"]]

        # (b) released, then a pending change: metadata, a new resource, a replaced file
        released = world.release("leak-released-b", title="Leak released", notes="public notes",
                                 tag_string="publictag")
        self.released = released
        self.public_resource = released["resources"][0]
        publisher.action.package_patch(id=released["id"], notes="MARKERBNOTES",
                                       tag_string="publictag,markerbtag")
        new_resource = publisher.action.resource_create(
            package_id=released["id"], name="MARKERBNEWRES", format="CSV",
            upload=_file(_csv("MARKERBNEWFILE"), "neu.csv"))
        publisher.action.resource_patch(id=self.public_resource["id"],
                                        upload=_file(_csv("MARKERBREPLACED"), "readings.csv"))
        world.submit_and_check(released["id"])
        self.new_resource = new_resource
        # The pending version's fingerprint and its files' sha256 are content too (the public
        # review record and Data Package carry those of the released version).
        self.secrets += ["MARKERB", new_resource["id"], world.review(released["id"])["content_hash"],
                         hashlib.sha256(_csv("MARKERBNEWFILE")).hexdigest(),
                         hashlib.sha256(_csv("MARKERBREPLACED")).hexdigest()]

        # (c) rejected
        rejected = world.new_dataset("leak-rejected-c", title="MARKERCTITLE",
                                     csv=_csv("MARKERCFILE"))
        world.submit_and_check(rejected["id"])
        steward.action.governance_review_reject(
            package_id=rejected["id"], content_hash=world.review(rejected["id"])["content_hash"],
            reasons=["personal-data"], comment="MARKERCCOMMENT")
        jobs.Worker().work(burst=True)
        self.rejected = publisher.action.package_show(id=rejected["id"])
        self.secrets += ["MARKERC", rejected["id"], "leak-rejected-c",
                         self.rejected["resources"][0]["id"]]
        self.org = world.org


def _token(world, user):
    if user is None:
        return {}
    token = world.as_user(world.sysadmin).action.api_token_create(
        user=user["name"], name="leak test")["token"]
    return {"Authorization": token}


def _channels(s: Scenario):
    """(name, URL) of every channel an outsider can try."""
    never, rejected, released = s.never, s.rejected, s.released
    never_res, rejected_res = never["resources"][0], rejected["resources"][0]
    org = s.org["name"]
    api = "/api/3/action/"
    urls = {
        "package_show never": f"{api}package_show?id={never['id']}",
        "package_show never by name": f"{api}package_show?id=leak-never-a",
        "package_show rejected": f"{api}package_show?id={rejected['id']}",
        "package_show released": f"{api}package_show?id={released['id']}",
        "package_search all": f"{api}package_search?q=*:*&include_private=true&rows=1000"
                              "&facet.field=[\"tags\",\"res_format\",\"organization\",\"name\"]",
        "package_search markers": f"{api}package_search?q=MARKERANOTES OR MARKERBNOTES"
                                  " OR MARKERCTITLE&include_private=true",
        "package_search drafts": f"{api}package_search?q=*:*&include_drafts=true"
                                 "&include_private=true",
        "package_list": f"{api}package_list",
        "current_package_list_with_resources":
            f"{api}current_package_list_with_resources?limit=1000",
        "package_autocomplete": f"{api}package_autocomplete?q=leak",
        "resource_show never": f"{api}resource_show?id={never_res['id']}",
        "resource_show rejected": f"{api}resource_show?id={rejected_res['id']}",
        "resource_show pending": f"{api}resource_show?id={s.new_resource['id']}",
        "resource_show released": f"{api}resource_show?id={s.public_resource['id']}",
        "resource_search": f"{api}resource_search?query=name:MARKERBNEWRES",
        "resource_search format": f"{api}resource_search?query=format:markerafmt",
        "datastore_search never": f"{api}datastore_search?resource_id={never_res['id']}",
        "datastore_search_sql": f"{api}datastore_search_sql?sql=SELECT * FROM "
                                f"\"{never_res['id']}\"",
        "datastore_info never": f"{api}datastore_info?id={never_res['id']}",
        "download never": f"/dataset/{never['id']}/resource/{never_res['id']}/download/x.csv",
        "download rejected":
            f"/dataset/{rejected['id']}/resource/{rejected_res['id']}/download/x.csv",
        "download pending new resource":
            f"/dataset/{released['id']}/resource/{s.new_resource['id']}/download/neu.csv",
        "download replaced file": s.public_resource["url"].replace("http://test.ckan.net", ""),
        "tag_list": f"{api}tag_list",
        "tag_list all fields": f"{api}tag_list?all_fields=true",
        "tag_search": f"{api}tag_search?query=marker",
        "tag_autocomplete": f"{api}tag_autocomplete?q=marker",
        "tag_show": f"{api}tag_show?id=markeratag&include_datasets=true",
        "format_autocomplete": f"{api}format_autocomplete?q=marker",
        "organization_show": f"{api}organization_show?id={org}&include_datasets=true",
        "organization_list": f"{api}organization_list?all_fields=true",
        "group_package_show": f"{api}group_package_show?id={org}",
        "user_show": f"{api}user_show?id=publisher&include_datasets=true",
        "user_list": f"{api}user_list",
        "package_activity_list never": f"{api}package_activity_list?id={never['id']}",
        "package_activity_list released": f"{api}package_activity_list?id={released['id']}",
        "package_activity_list rejected": f"{api}package_activity_list?id={rejected['id']}",
        "organization_activity_list": f"{api}organization_activity_list?id={org}",
        "user_activity_list": f"{api}user_activity_list?id=publisher",
        "recently_changed_packages_activity_list":
            f"{api}recently_changed_packages_activity_list",
        "dashboard_activity_list": f"{api}dashboard_activity_list",
        "governance_status_show released":
            f"{api}governance_status_show?package_id={released['id']}",
        "governance_status_show never": f"{api}governance_status_show?package_id={never['id']}",
        "governance_review_show released":
            f"{api}governance_review_show?package_id={released['id']}",
        "governance_report_show released":
            f"{api}governance_report_show?package_id={released['id']}",
        "governance_audit_list released":
            f"{api}governance_audit_list?package_id={released['id']}",
        "governance_queue_list": f"{api}governance_queue_list",
        "page dataset search": "/dataset/",
        "page dataset search marker": "/dataset/?q=MARKERANOTES",
        "page never": f"/dataset/{never['name']}",
        "page rejected": f"/dataset/{rejected['name']}",
        "page released": f"/dataset/{released['name']}",
        "page released resource": f"/dataset/{released['name']}/resource/"
                                  f"{s.public_resource['id']}",
        "page pending resource": f"/dataset/{released['name']}/resource/"
                                 f"{s.new_resource['id']}",
        "page organization": f"/organization/{org}",
        "page organization list": "/organization/",
        "page user": "/user/publisher",
        "page activity dataset": f"/dataset/activity/{released['name']}",
        "page activity never": f"/dataset/activity/{never['name']}",
        "page activity organization": f"/organization/activity/{org}",
        "page activity user": "/user/activity/publisher",
        "page dashboard": "/dashboard/datasets",
        "page governance review released": f"/dataset/{released['name']}/governance",
        "feed datasets": "/feeds/dataset.atom",
        "feed organization": f"/feeds/organization/{org}.atom",
        "feed tag": "/feeds/tag/markeratag.atom",
        "feed custom": "/feeds/custom.atom?q=MARKERANOTES",
        "audit export": "/governance/audit.csv",
        "audit export released": f"/dataset/{released['name']}/governance/audit.csv",
        "audit export never": f"/dataset/{never['name']}/governance/audit.csv",
        "datapackage released": f"/dataset/{released['name']}/datapackage.json",
        "datapackage never": f"/dataset/{never['name']}/datapackage.json",
        "datapackage rejected": f"/dataset/{rejected['id']}/datapackage.json",
        "review record released": f"/dataset/{released['name']}/review-record.json",
        "review record never": f"/dataset/{never['id']}/review-record.json",
        "review record rejected": f"/dataset/{rejected['name']}/review-record.json",
        "governance_datapackage_show released":
            f"{api}governance_datapackage_show?id={released['id']}",
        "governance_review_record_show never":
            f"{api}governance_review_record_show?id={never['id']}",
    }
    urls.update(_dcat_channels(s))
    return urls


def _dcat_channels(s: Scenario):
    """ckanext-dcat: the catalogue in every format and page, searched, and the RDF of each
    dataset by id and by name, over HTTP and through its actions."""
    api = "/api/3/action/"
    urls = {}
    for fmt in ("ttl", "jsonld", "xml", "rdf", "n3"):
        urls[f"dcat catalog {fmt}"] = f"/catalog.{fmt}"
        for name, dataset in (("never", s.never), ("rejected", s.rejected),
                              ("released", s.released)):
            urls[f"dcat {name} {fmt} by id"] = f"/dataset/{dataset['id']}.{fmt}"
            urls[f"dcat {name} {fmt} by name"] = f"/dataset/{dataset['name']}.{fmt}"
    urls.update({
        "dcat catalog search": "/catalog.ttl?q=MARKERANOTES OR MARKERBNOTES OR MARKERCTITLE",
        "dcat catalog fq": "/catalog.jsonld?fq=name:leak-never-a OR name:leak-rejected-c",
        "dcat catalog modified since": "/catalog.ttl?modified_since=2000-01-01",
        "dcat catalog page 2": "/catalog.ttl?page=2",
        "dcat_catalog_show": f"{api}dcat_catalog_show?format=jsonld",
        "dcat_catalog_search": f"{api}dcat_catalog_search?format=ttl&q=*:*",
    })
    return urls


@pytest.mark.parametrize("viewer", ["anonymous", "other_member", "other_steward"])
def test_nothing_unapproved_leaks(world, app, viewer):
    scenario = Scenario(world)
    user = None if viewer == "anonymous" else getattr(world, viewer)
    headers = _token(world, user)

    leaks = []
    for channel, url in _channels(scenario).items():
        response = app.get(url, headers=headers)
        body = response.get_data(as_text=True)
        # Error pages may echo what the caller asked for; anything else is a leak.
        found = [secret for secret in scenario.secrets if secret in body and secret not in url]
        if found:
            leaks.append(f"{channel} ({response.status_code}): {found}")
    # ckanext-dcat's dataset action takes POST only.
    for name, dataset in (("never", scenario.never), ("rejected", scenario.rejected),
                          ("released", scenario.released)):
        for fmt in ("ttl", "jsonld"):
            asked = {"id": dataset["id"], "format": fmt}
            response = app.post("/api/3/action/dcat_dataset_show", json=asked, headers=headers)
            body = response.get_data(as_text=True)
            found = [secret for secret in scenario.secrets
                     if secret in body and secret not in json.dumps(asked)]
            if found:
                leaks.append(f"dcat_dataset_show {name} {fmt} ({response.status_code}): {found}")
    assert leaks == [], f"{viewer} sees unapproved content:\n" + "\n".join(leaks)

    # the approved version stays available meanwhile
    public = json.loads(app.get(f"/api/3/action/package_show?id={scenario.released['id']}",
                                headers=headers).get_data())["result"]
    assert public["notes"] == "public notes"
    assert [r["id"] for r in public["resources"]] == [scenario.public_resource["id"]]
    download = app.get(scenario.public_resource["url"].replace("http://test.ckan.net", ""),
                       headers=headers)
    assert download.status_code == 200 and b"MARKERB" not in download.get_data()
    search = json.loads(app.get("/api/3/action/package_search?q=*:*&include_private=true",
                                headers=headers).get_data())["result"]
    assert search["count"] == 1, "only the released dataset counts"
    org = json.loads(app.get(f"/api/3/action/organization_show?id={scenario.org['name']}",
                             headers=headers).get_data())["result"]
    assert org["package_count"] == 1
    # DCAT and the public outputs really answer with the released version.
    released = scenario.released
    for url in ("/catalog.ttl", f"/dataset/{released['name']}.ttl",
                f"/dataset/{released['id']}.jsonld", f"/dataset/{released['name']}/datapackage.json",
                f"/dataset/{released['name']}/review-record.json"):
        response = app.get(url, headers=headers)
        assert response.status_code == 200, url
        assert released["id"] in response.get_data(as_text=True), url
    assert "public notes" in app.get(f"/dataset/{released['name']}.ttl",
                                     headers=headers).get_data(as_text=True)


def test_insiders_do_see_the_unapproved_content(world, app):
    """The markers are really there: the organization's steward sees all three."""
    scenario = Scenario(world)
    headers = _token(world, world.steward)
    never = app.get(f"/api/3/action/package_show?id={scenario.never['id']}", headers=headers)
    assert "MARKERANOTES" in never.get_data(as_text=True)
    review = app.get(f"/api/3/action/governance_review_show?package_id="
                     f"{scenario.released['id']}", headers=headers).get_data(as_text=True)
    assert "MARKERBNOTES" in review and scenario.new_resource["id"] in review
    rejected = app.get(f"/api/3/action/package_show?id={scenario.rejected['id']}",
                       headers=headers)
    assert "MARKERCTITLE" in rejected.get_data(as_text=True)
    found = json.loads(app.get("/api/3/action/package_search?q=*:*&include_private=true",
                               headers=headers).get_data())["result"]
    assert found["count"] == 3


@pytest.mark.parametrize("viewer", ["anonymous", "other_member", "other_steward"])
def test_dcat_answers_unreleased_like_missing(world, app, viewer):
    """Existence is content: DCAT's RDF of an unreleased dataset answers as for one that does
    not exist (ckanext-dcat alone would answer 403 and so tell that it exists)."""
    scenario = Scenario(world)
    user = None if viewer == "anonymous" else getattr(world, viewer)
    headers = _token(world, user)
    missing_id = str(uuid.uuid4())

    def page(url, asked):
        response = app.get(url, headers=headers)
        # The CSRF token differs on every page.
        body = _CSRF_TOKEN.sub(r"\1", response.get_data(as_text=True)).replace(asked, "X")
        return response.status_code, body

    for fmt in ("ttl", "jsonld", "xml"):
        missing = page(f"/dataset/{missing_id}.{fmt}", missing_id)
        assert missing[0] == 404
        for dataset in (scenario.never, scenario.rejected):
            for key in ("id", "name"):
                assert page(f"/dataset/{dataset[key]}.{fmt}", dataset[key]) == missing
    api = "/api/3/action/dcat_dataset_show"
    api_missing = json.loads(app.post(api, json={"id": missing_id}, headers=headers,
                                      status=404).get_data())
    for dataset in (scenario.never, scenario.rejected):
        for key in ("id", "name"):
            answer = json.loads(app.post(api, json={"id": dataset[key]}, headers=headers,
                                         status=404).get_data())
            assert answer["error"] == api_missing["error"]
