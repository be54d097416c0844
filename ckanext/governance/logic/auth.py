"""Auth functions: one per action, built from a few shared permissions."""
from __future__ import annotations

from typing import Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model

from ..model.webhook import Webhook, WebhookDelivery
from ..stewards import is_steward, steward_organization_ids
from . import existence


def get_auth_functions() -> dict:
    """One auth function per governance action, plus the chained core ones: package_show's
    below and those that make what a user may not see look missing (existence.py)."""
    own = {name: function for name, function in globals().items()
           if name.startswith("governance_") and callable(function)}
    return {**own, "package_show": package_show, **existence.hiding_auth_functions()}


def _user(context) -> Optional[model.User]:
    user = context.get("auth_user_obj")
    if user is not None and not getattr(user, "is_anonymous", False):
        return user
    return model.User.get(context.get("user") or "")


def _organization_of(data_dict) -> Optional[str]:
    package = model.Package.get(data_dict.get("package_id") or data_dict.get("id") or "")
    return package.owner_org if package else None


def _result(allowed: bool, message: str):
    return {"success": True} if allowed else {"success": False, "msg": message}


# Shared permissions -------------------------------------------------------------------------

def governance_permission_review_package(context, data_dict):
    """Only stewards of the dataset's organization (and sysadmins) may decide on it."""
    user = _user(context)
    return _result(is_steward(user, _organization_of(data_dict)),
                   tk._("Only the organization's stewards can review this dataset"))


def governance_permission_read_review(context, data_dict):
    """Members of the dataset's organization and its stewards may read reviews and reports."""
    user = _user(context)
    organization_id = _organization_of(data_dict)
    allowed = user is not None and organization_id is not None and (
        is_steward(user, organization_id)
        or authz.has_user_permission_for_group_or_org(organization_id, user.name, "read"))
    return _result(allowed, tk._("Only members and stewards of the organization can see this"))


def governance_permission_manage_stewards(context, data_dict):
    """Sysadmins name stewards; organization admins too if the portal lets them
    (``ckanext.governance.org_admins_manage_stewards``). By default they may not: wherever
    users can create organizations, anyone could otherwise make a second account the steward
    of their own organization and approve their own data."""
    if not tk.config.get("ckanext.governance.org_admins_manage_stewards"):
        return _result(False, tk._("Only sysadmins can name stewards"))
    user = _user(context)
    organization = model.Group.get(data_dict.get("organization_id") or "")
    allowed = user is not None and organization is not None and \
        authz.has_user_permission_for_group_or_org(organization.id, user.name, "admin")
    return _result(allowed, tk._("Only sysadmins and organization admins can name stewards"))


# Action auth --------------------------------------------------------------------------------

def governance_review_submit(context, data_dict):
    """Publishers who may edit the dataset may submit it."""
    return authz.is_authorized("package_update", context, {"id": data_dict.get("package_id")})


governance_review_withdraw = governance_review_submit


def governance_review_approve(context, data_dict):
    """Only stewards of the organization may approve."""
    return governance_permission_review_package(context, data_dict)


governance_review_request_changes = governance_review_approve
governance_review_reject = governance_review_approve


def governance_finding_dismiss(context, data_dict):
    """Only stewards of the organization may dismiss a privacy finding."""
    return governance_permission_review_package(context, data_dict)


def governance_finding_reveal(context, data_dict):
    """Only stewards of the organization may see the raw values behind a finding."""
    return governance_permission_review_package(context, data_dict)


@tk.auth_allow_anonymous_access
def governance_status_show(context, data_dict):
    """Whoever can see the dataset sees its status; the open review only members see."""
    return authz.is_authorized("package_show", context, {"id": data_dict.get("package_id")})


def governance_report_show(context, data_dict):
    """Members and stewards of the organization may read check reports."""
    return governance_permission_read_review(context, data_dict)


governance_review_show = governance_report_show
governance_audit_list = governance_report_show


def governance_queue_list(context, data_dict):
    """Stewards see their queue (sysadmins see every organization's)."""
    user = _user(context)
    return _result(user is not None and bool(steward_organization_ids(user.id)),
                   tk._("Only stewards have a review queue"))


def governance_release_revoke(context, data_dict):
    """Only sysadmins take a released dataset down in an emergency."""
    return {"success": False, "msg": tk._("Only sysadmins can revoke a release")}


def governance_audit_export(context, data_dict):
    """Only sysadmins export the whole audit log."""
    return {"success": False, "msg": tk._("Only sysadmins can export the audit log")}


def governance_audit_organization(context, data_dict):
    """Members and stewards of the organization may export its audit trail."""
    return governance_steward_list(context, data_dict)


def governance_steward_create(context, data_dict):
    """Only sysadmins (and, if the portal allows it, the organization's admins) add stewards."""
    return governance_permission_manage_stewards(context, data_dict)


governance_steward_delete = governance_steward_create


def governance_steward_list(context, data_dict):
    """Members of the organization may see who its stewards are."""
    user = _user(context)
    organization = model.Group.get(data_dict.get("organization_id") or "")
    allowed = user is not None and organization is not None and (
        authz.has_user_permission_for_group_or_org(organization.id, user.name, "read")
        or is_steward(user, organization.id))
    return _result(allowed, tk._("Only members of the organization can see its stewards"))


# Core auth, wrapped -------------------------------------------------------------------------

@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth, context, data_dict):
    """Core's refusal names the dataset's id; asked by name, that would reveal the id of an
    unreleased dataset."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return {"success": False, "msg": tk._("Not authorized to see this dataset")}
    return result


# Webhooks -----------------------------------------------------------------------------------

def governance_permission_manage_webhooks(context, data_dict):
    """Only admins of the organization (and sysadmins) may manage its webhooks."""
    organization_id = data_dict.get("organization_id")
    if data_dict.get("delivery_id"):
        delivery = model.Session.get(WebhookDelivery, data_dict["delivery_id"])
        data_dict = {"webhook_id": delivery.webhook_id if delivery else None}
    if data_dict.get("webhook_id"):
        hook = model.Session.get(Webhook, data_dict["webhook_id"])
        organization_id = hook.organization_id if hook else None
    user = _user(context)
    organization = model.Group.get(organization_id or "")
    allowed = user is not None and organization is not None and \
        authz.has_user_permission_for_group_or_org(organization.id, user.name, "admin")
    return _result(allowed, tk._("Only organization admins can manage webhooks"))


def governance_webhook_create(context, data_dict):
    """Only admins of the organization may register webhooks."""
    return governance_permission_manage_webhooks(context, data_dict)


governance_webhook_list = governance_webhook_create


def governance_webhook_delete(context, data_dict):
    """Only admins of the hook's organization may delete it."""
    return governance_permission_manage_webhooks(context, {"webhook_id": data_dict.get("id")})


def governance_webhook_delivery_list(context, data_dict):
    """Only admins of the hook's organization may read its delivery log."""
    return governance_permission_manage_webhooks(
        context, {"webhook_id": data_dict.get("webhook_id")})


def governance_webhook_redeliver(context, data_dict):
    """Only admins of the hook's organization may send a delivery again."""
    return governance_permission_manage_webhooks(context, {"delivery_id": data_dict.get("id")})


# Public outputs -----------------------------------------------------------------------------

@tk.auth_allow_anonymous_access
def governance_datapackage_show(context, data_dict):
    """Anyone: the action itself answers only for released datasets."""
    return {"success": True}


governance_review_record_show = governance_datapackage_show


@tk.auth_allow_anonymous_access
def governance_finding_code_list(context, data_dict):
    """Anyone may read the list of finding codes."""
    return {"success": True}
