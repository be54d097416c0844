"""Who stewards which organization, and the permission labels that let stewards see the
unreleased datasets of their organizations through CKAN's own access checks and search."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from ckan import model
from ckan.lib.plugins import DefaultPermissionLabels

from .model import Steward


def steward_organization_ids(user_id: str) -> list[str]:
    return list(model.Session.scalars(
        sa.select(Steward.organization_id).where(Steward.user_id == user_id)))


def is_steward(user: Optional[model.User], organization_id: Optional[str]) -> bool:
    if user is None or organization_id is None:
        return False
    return model.Session.get(Steward, (organization_id, user.id)) is not None


def steward_users(organization_id: str) -> list[model.User]:
    return list(model.Session.scalars(
        sa.select(model.User).join(Steward, Steward.user_id == model.User.id)
        .where(Steward.organization_id == organization_id, model.User.state == "active")))


def steward_label(organization_id: str) -> str:
    return f"steward-{organization_id}"


class StewardLabels(DefaultPermissionLabels):
    """CKAN's default labels, plus one per organization for the stewards of its private
    (that is: unreleased) datasets. A released dataset is simply public."""

    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        labels = super().get_dataset_labels(dataset_obj)
        if labels != ["public"] and dataset_obj.owner_org:
            labels.append(steward_label(dataset_obj.owner_org))
        return labels

    def get_user_dataset_labels(self, user_obj: model.User) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj and not user_obj.is_anonymous:
            labels.extend(steward_label(org) for org in steward_organization_ids(user_obj.id))
        return labels
