"""A webhook's URL is the organization admins' business: receivers often take a token in the
path or query (chat and CI hooks do), and `governance_webhook_list` shows URLs to admins
only. The organization's audit trail, which every member and steward may export, must not
hand the URL out."""
import pytest

from ckan.tests import factories

pytestmark = [pytest.mark.usefixtures("with_plugins"),
              pytest.mark.ckan_config("ckanext.governance.webhooks.allow_private", True)]

TOKEN = "T0KEN4711geheim"
HOOK_URL = f"http://127.0.0.1:9/services/{TOKEN}/hook?key={TOKEN}x"


def test_the_organizations_audit_trail_keeps_webhook_urls_from_members(app, world):
    org_admin = factories.User(name="org_admin")
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.org["id"], username="org_admin", role="admin")
    admin = world.as_user(org_admin).action
    hook = admin.governance_webhook_create(organization_id=world.org["id"], url=HOOK_URL)
    admin.governance_webhook_delete(id=hook["id"])
    for reader in (world.publisher, world.steward):
        headers = {"Authorization": factories.APIToken(user=reader["id"])["token"]}
        trail = app.get("/organization/stadt-mainz/governance/audit.csv", headers=headers)
        assert trail.status_code == 200
        text = trail.get_data(as_text=True)
        assert "webhook_created" in text and "webhook_deleted" in text
        assert TOKEN not in text
        assert "http://127.0.0.1:9" in text  # where events went stays on record
