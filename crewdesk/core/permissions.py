"""The one place that answers "may this member do this (to this record)?".

Services call `require(...)`; views and templates call `can(...)` to show or hide actions.
A record of another company is never "forbidden" but "not found": callers scope their queries
with `scope(...)` first, so an id from another company simply does not exist for them.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from crewdesk.core.roles import OFFICE_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from crewdesk.accounts.models import Membership

M = TypeVar("M", bound=models.Model)


class Action:
    """Names of the things a member may do; the rules below map each to the roles allowed."""

    VIEW_OFFICE_APP = "office_app.view"
    MANAGE_COMPANY = "company.manage"
    MANAGE_TEAM = "team.manage"
    VIEW_TEAM = "team.view"
    VIEW_ACTIVITY = "activity.view"
    HARD_DELETE = "records.hard_delete"
    VIEW_RECORDS = "records.view"
    EDIT_RECORDS = "records.edit"
    USE_PORTAL = "portal.use"
    # Jobs: the crew works the jobs assigned to them (selectors narrow an employee to those).
    VIEW_JOBS = "jobs.view"
    WORK_JOBS = "jobs.work"
    MARK_BAD_DEBT = "jobs.bad_debt"


RULES: dict[str, frozenset[str]] = {
    Action.VIEW_OFFICE_APP: frozenset({Role.OWNER, Role.OFFICE, Role.EMPLOYEE}),
    Action.MANAGE_COMPANY: frozenset({Role.OWNER}),
    Action.MANAGE_TEAM: frozenset({Role.OWNER}),
    Action.VIEW_TEAM: OFFICE_ROLES,
    Action.VIEW_ACTIVITY: OFFICE_ROLES,
    Action.HARD_DELETE: frozenset({Role.OWNER}),
    Action.VIEW_RECORDS: OFFICE_ROLES,
    Action.EDIT_RECORDS: OFFICE_ROLES,
    Action.USE_PORTAL: frozenset({Role.CUSTOMER}),
    Action.VIEW_JOBS: STAFF_ROLES,
    Action.WORK_JOBS: STAFF_ROLES,
    Action.MARK_BAD_DEBT: OFFICE_ROLES,
}

PERMISSION_DENIED = _("Your role does not allow this.")


def can(membership: "Membership | None", action: str, obj: models.Model | None = None) -> bool:
    if membership is None or not membership.active:
        return False
    if membership.role not in RULES[action]:
        return False
    return obj is None or getattr(obj, "company_id", None) == membership.company_id


def require(membership: "Membership | None", action: str, obj: models.Model | None = None) -> None:
    if not can(membership, action, obj):
        raise PermissionDenied(PERMISSION_DENIED)


def scope(queryset: models.QuerySet[M], membership: "Membership") -> models.QuerySet[M]:
    """Rows of the member's company only: the start of every selector."""
    return queryset.filter(company_id=membership.company_id)


def roles_allowed(action: str) -> Iterable[str]:
    return RULES[action]
