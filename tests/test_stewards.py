"""Who names stewards (PRODUCT.md 2, issue 7 item 10): by default sysadmins only, so that no user
can make their own gate: create an organization, name a second account steward, approve."""
import pytest
from ckanapi import NotAuthorized, NotFound, ValidationError

from ckan.tests import factories

from conftest import COMPLETE_METADATA

pytestmark = pytest.mark.usefixtures("with_plugins")


def _token(user):
    return {"Authorization": factories.APIToken(user=user["id"])["token"]}


def _own_organization(world):
    """A user who created an organization (so its admin), and their second account."""
    founder, puppet = factories.User(name="gruender"), factories.User(name="strohmann")
    organization = world.as_user(founder).action.organization_create(name="eigene-stelle")
    return founder, puppet, organization


def _org_admin(world):
    admin = factories.User(name="org_admin")
    world.as_user(world.sysadmin).action.organization_member_create(
        id=world.org["id"], username=admin["name"], role="admin")
    return admin


def _is_public(world, dataset_id):
    try:
        world.as_user(None).action.package_show(id=dataset_id)
        return True
    except (NotAuthorized, NotFound):
        return False


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_a_user_cannot_make_their_own_gate(world):
    founder, puppet, organization = _own_organization(world)
    founder_api = world.as_user(founder)
    with pytest.raises(NotAuthorized):
        founder_api.action.governance_steward_create(organization_id=organization["id"],
                                                     user_id=puppet["id"])
    dataset = founder_api.action.package_create(
        name="eigene-daten", title="Eigene Daten", owner_org=organization["id"],
        **COMPLETE_METADATA)
    world.submit_and_check(dataset["id"], user=founder)
    with pytest.raises(ValidationError, match="Not found: Dataset"):  # not theirs to see
        world.as_user(puppet).action.governance_review_approve(
            package_id=dataset["id"], content_hash="0" * 64)
    assert not _is_public(world, dataset["id"])
    assert world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id=organization["id"]) == []


@pytest.mark.ckan_config("ckan.auth.user_create_organizations", True)
def test_org_admins_cannot_remove_stewards_either(world):
    founder, _puppet, organization = _own_organization(world)
    world.as_user(world.sysadmin).action.governance_steward_create(
        organization_id=organization["id"], user_id=world.steward["id"])
    with pytest.raises(NotAuthorized):
        world.as_user(founder).action.governance_steward_delete(
            organization_id=organization["id"], user_id=world.steward["id"])


@pytest.mark.ckan_config("ckanext.governance.org_admins_manage_stewards", True)
def test_the_portal_can_let_org_admins_name_stewards(world):
    admin = _org_admin(world)
    stewards = world.as_user(admin).action.governance_steward_create(
        organization_id=world.org["id"], user_id=world.other_member["id"])
    assert "other_member" in [s["name"] for s in stewards]
    with pytest.raises(NotAuthorized):  # still only for their own organization
        world.as_user(admin).action.governance_steward_create(
            organization_id=world.other_org["id"], user_id=world.other_member["id"])
    with pytest.raises(NotAuthorized):  # and only admins
        world.as_user(world.publisher).action.governance_steward_create(
            organization_id=world.org["id"], user_id=world.publisher["id"])


def test_org_admins_see_the_stewards_but_no_forms(app, world):
    admin = _org_admin(world)
    headers = _token(admin)
    edit = app.get("/organization/edit/stadt-mainz", headers=headers).body
    assert 'href="/organization/stewards/stadt-mainz"' in edit
    body = app.get("/organization/stewards/stadt-mainz", headers=headers).body
    assert "second_steward" in body
    assert "Add steward" not in body and 'value="remove"' not in body
    assert "Stewards are named by the portal" in body
    app.post("/organization/stewards/stadt-mainz", headers=headers, status=403,
             data={"action": "add", "username": "org_admin"})
    names = [s["name"] for s in world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id="stadt-mainz")]
    assert "org_admin" not in names


def test_org_admins_page_in_german(app, world):
    body = app.get("/de/organization/stewards/stadt-mainz", headers=_token(_org_admin(world))).body
    assert "Datenverantwortliche werden von den Systemadministratoren des Portals benannt." \
        in body


@pytest.mark.ckan_config("ckanext.governance.org_admins_manage_stewards", True)
def test_org_admins_get_the_forms_when_the_portal_allows_it(app, world):
    headers = _token(_org_admin(world))
    body = app.get("/organization/stewards/stadt-mainz", headers=headers).body
    assert "Add steward" in body and 'value="remove"' in body
    app.post("/organization/stewards/stadt-mainz", headers=headers,
             data={"action": "add", "username": "other_member"})
    names = [s["name"] for s in world.as_user(world.sysadmin).action.governance_steward_list(
        organization_id="stadt-mainz")]
    assert "other_member" in names


def test_editors_and_outsiders_get_no_stewards_page(app, world):
    for user in (world.publisher, world.other_member):
        app.get("/organization/stewards/stadt-mainz", headers=_token(user), status=403)
