"""The stack is real: Solr indexes, RQ workers run jobs from Redis, mail reaches SMTP."""
import time
import uuid

import pytest
from ckanapi import LocalCKAN

import ckan.lib.jobs as jobs
import ckan.lib.mailer as mailer
import ckan.plugins as p
from ckan.tests import factories

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_governance_plugin_is_loaded():
    assert p.plugin_loaded("governance")
    status = LocalCKAN().action.status_show()
    assert "governance" in status["extensions"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_through_the_action_api_is_found_by_solr():
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    marker = f"stackcheck{uuid.uuid4().hex[:8]}"
    LocalCKAN(username=sysadmin["name"]).action.package_create(
        name=marker, title=f"Solr round trip {marker}", owner_org=org["id"])

    found = LocalCKAN(username=sysadmin["name"]).action.package_search(
        q=marker, include_private=True)
    assert [d["name"] for d in found["results"]] == [marker]


def _write_marker(path):
    with open(path, "w") as f:
        f.write("ran")


@pytest.mark.usefixtures("clean_queues")
def test_job_enqueued_through_ckan_is_run_by_a_worker(tmp_path):
    marker = tmp_path / "job-ran"
    job = jobs.enqueue(_write_marker, [str(marker)])
    assert job.get_status() == "queued"

    jobs.Worker().work(burst=True)

    assert marker.read_text() == "ran"


def test_mail_sent_through_ckans_mailer_arrives_at_smtp(maildir):
    subject = f"stack check {uuid.uuid4()}"
    mailer.mail_recipient("Steward", "steward@example.org", subject, "Hallo Mainz")

    for _ in range(50):
        mails = [m for m in maildir.new_mails() if m[1] == subject]
        if mails:
            break
        time.sleep(0.1)
    assert mails == [("steward@example.org", subject, "Hallo Mainz\n")]
