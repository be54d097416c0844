"""One schema per action, validators injected by name."""
from __future__ import annotations

from ckan.logic.schema import validator_args


@validator_args
def review_withdraw(not_empty, unicode_safe, governance_dataset_id):
    return {"package_id": [not_empty, unicode_safe, governance_dataset_id]}


status_show = review_withdraw
review_show = review_withdraw


@validator_args
def review_submit(not_empty, ignore_missing, unicode_safe, strip_value,
                  governance_dataset_id):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "comment": [ignore_missing, unicode_safe, strip_value],
    }


@validator_args
def review_approve(not_empty, ignore_missing, unicode_safe, governance_dataset_id,
                   governance_finding_ids):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "content_hash": [not_empty, unicode_safe],
        "comment": [ignore_missing, unicode_safe],
        # ids of the review-severity privacy findings the steward has looked at
        "acknowledged": [ignore_missing, governance_finding_ids],
    }


@validator_args
def review_request_changes(not_empty, unicode_safe, governance_dataset_id,
                           governance_reason_codes):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "content_hash": [not_empty, unicode_safe],
        "reasons": [not_empty, governance_reason_codes],
        "comment": [not_empty, unicode_safe],
    }


review_reject = review_request_changes


@validator_args
def release_revoke(not_empty, unicode_safe, governance_dataset_id):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "reason": [not_empty, unicode_safe],
    }


@validator_args
def report_show(ignore_missing, unicode_safe, governance_dataset_id):
    return {
        "package_id": [ignore_missing, unicode_safe, governance_dataset_id],
        "run_id": [ignore_missing, unicode_safe],
    }


@validator_args
def queue_list(ignore_missing, unicode_safe, natural_number_validator, boolean_validator,
               limit_to_configured_maximum, one_of, governance_queue_state,
               convert_group_name_or_id_to_id):
    return {
        "organization_id": [ignore_missing, unicode_safe, convert_group_name_or_id_to_id],
        "state": [ignore_missing, governance_queue_state],
        "waiting_for_me": [ignore_missing, boolean_validator],
        "min_days": [ignore_missing, natural_number_validator],
        "sort": [ignore_missing, one_of(["oldest", "newest"])],
        "limit": [ignore_missing, natural_number_validator,
                  limit_to_configured_maximum("ckan.search.rows_max", 100)],
        "offset": [ignore_missing, natural_number_validator],
    }


@validator_args
def audit_list(not_empty, ignore_missing, unicode_safe, natural_number_validator,
               governance_dataset_id):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "limit": [ignore_missing, natural_number_validator],
        "offset": [ignore_missing, natural_number_validator],
    }


@validator_args
def steward_create(not_empty, unicode_safe, convert_group_name_or_id_to_id,
                   convert_user_name_or_id_to_id):
    return {
        "organization_id": [not_empty, unicode_safe, convert_group_name_or_id_to_id],
        "user_id": [not_empty, unicode_safe, convert_user_name_or_id_to_id],
    }


steward_delete = steward_create


@validator_args
def steward_list(not_empty, unicode_safe, convert_group_name_or_id_to_id):
    return {"organization_id": [not_empty, unicode_safe, convert_group_name_or_id_to_id]}


@validator_args
def finding_dismiss(not_empty, unicode_safe, governance_dataset_id):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "finding_id": [not_empty, unicode_safe],
        "reason": [not_empty, unicode_safe],
    }


@validator_args
def finding_reveal(not_empty, unicode_safe, governance_dataset_id):
    return {
        "package_id": [not_empty, unicode_safe, governance_dataset_id],
        "finding_id": [not_empty, unicode_safe],
    }


@validator_args
def webhook_create(not_empty, unicode_safe, convert_group_name_or_id_to_id, governance_webhook_url):
    return {
        "organization_id": [not_empty, unicode_safe, convert_group_name_or_id_to_id],
        "url": [not_empty, unicode_safe, governance_webhook_url],
    }


@validator_args
def webhook_list(not_empty, unicode_safe, convert_group_name_or_id_to_id):
    return {"organization_id": [not_empty, unicode_safe, convert_group_name_or_id_to_id]}


@validator_args
def webhook_delete(not_empty, unicode_safe):
    return {"id": [not_empty, unicode_safe]}


@validator_args
def webhook_delivery_list(not_empty, ignore_missing, unicode_safe, natural_number_validator,
                          limit_to_configured_maximum, governance_delivery_state):
    return {
        "webhook_id": [not_empty, unicode_safe],
        "state": [ignore_missing, governance_delivery_state],
        "limit": [ignore_missing, natural_number_validator,
                  limit_to_configured_maximum("ckan.search.rows_max", 100)],
        "offset": [ignore_missing, natural_number_validator],
    }


webhook_redeliver = webhook_delete


@validator_args
def public_output_show(not_empty, unicode_safe):
    # No name-to-id converter: it would answer a missing dataset differently from an
    # unreleased one.
    return {"id": [not_empty, unicode_safe]}
