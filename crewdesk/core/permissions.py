"""The one place that answers "may this member do this (to this record)?".

Services call `require(...)`; views and templates call `can(...)` to show or hide actions.
A record of another company is never "forbidden" but "not found": callers scope their queries
with `scope(...)` first, so an id from another company simply does not exist for them. For a
Customer the same holds one step further: a record of another client of their company does not
exist for them either, nor one the office keeps to itself (an internal note).
"""

from collections.abc import Iterable
from dataclasses import dataclass
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
    if obj is None:
        return True
    if getattr(obj, "company_id", None) != membership.company_id:
        return False
    # A customer may act on their own client's records only: the same rule as `scope`.
    return membership.role != Role.CUSTOMER or in_scope(obj, membership)


def require(membership: "Membership | None", action: str, obj: models.Model | None = None) -> None:
    if not can(membership, action, obj):
        raise PermissionDenied(PERMISSION_DENIED)


@dataclass(frozen=True)
class CustomerScope:
    """How a model's rows reach the client a Customer logs in as (Membership.client).

    core cannot import the apps that hold clients, properties and jobs, so each of those
    models says it here, as its `customer_scope` attribute, and `scope` reads it. A model
    without one is shown to no customer: the portal opens a model to them by giving it one.

    One way to the client, either
      client: the field that holds the row's client ("pk" on Client, "client" on Property), or
      parent: a foreign key to a row with its own CustomerScope (a job's photo: "job"); the
              row is the customer's when its parent is.
    also: more ways for a row to be a client's, through a table of many ("extra_clients__client":
          a job that names the client as its billing client).
    shown: which of the client's rows a customer may see (a note marked for the customer);
           all of them when empty.
    whole_company: rows of the company that every customer sees (its brand).
    """

    client: str = ""
    parent: str = ""
    also: tuple[str, ...] = ()
    shown: models.Q = models.Q()
    whole_company: bool = False


NOTHING = models.Q(pk__in=[])


def customer_rows(model: type[models.Model], client_id: int | None) -> models.Q:
    """The condition on `model`'s rows (of one company) that the customer of `client_id` sees."""
    rule: CustomerScope | None = getattr(model, "customer_scope", None)
    if rule is None:
        return NOTHING
    if rule.whole_company:
        return rule.shown
    if client_id is None:
        return NOTHING  # a customer login not tied to a client yet sees no client's records
    if rule.parent:
        parent = model._meta.get_field(rule.parent).related_model
        theirs = parent._base_manager.filter(customer_rows(parent, client_id)).values("pk")
        condition = models.Q(**{f"{rule.parent}__in": theirs})
    else:
        condition = models.Q(**{rule.client: client_id})
    for path in rule.also:
        # A subquery rather than a join: joined to a table of many, a row would be repeated.
        named = model._base_manager.filter(**{path: client_id}).values("pk")
        condition |= models.Q(pk__in=named)
    return condition & rule.shown


def scope(queryset: models.QuerySet[M], membership: "Membership") -> models.QuerySet[M]:
    """The rows the member may see, the start of every selector: their company's; for a
    Customer, of those only their own client's, and only what is shown to customers."""
    rows = queryset.filter(company_id=membership.company_id)
    if membership.role != Role.CUSTOMER:
        return rows
    return rows.filter(customer_rows(queryset.model, membership.client_id))


def in_scope(obj: models.Model, membership: "Membership") -> bool:
    """Whether `scope` lets the member see this one record."""
    return scope(type(obj)._base_manager.filter(pk=obj.pk), membership).exists()


def roles_allowed(action: str) -> Iterable[str]:
    return RULES[action]
