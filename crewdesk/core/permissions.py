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
from django.db.models.query import ModelIterable
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
    # Billing: invoices, batches and payments are the office's; employees see none of it.
    MANAGE_BILLING = "billing.manage"


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
    Action.MANAGE_BILLING: OFFICE_ROLES,
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
    hidden: fields the office keeps to itself even on a row the customer sees (a job's
            internal notes), by attname.

    Hidden fields never reach a customer's copy of a row. For a customer, `scope` defers them
    (their values are not even read) and seals each row it yields, and the rows
    `select_related` brings along: the field stays unloaded, and reading it raises HiddenField
    instead of loading it. So a portal page that names one shows nothing (the template engine
    is told to stay silent), while an API schema or a ModelForm that names one fails (an
    error, not an answer). Nothing has to remember to leave them out: a page, schema or form
    works on the customer's copy as it comes. Saving a sealed copy writes its loaded fields
    only (Django's rule for deferred fields); its history still records the hidden values,
    read for it and sealed again.
    What `scope` did not yield is not sealed: a related row read lazily (`job.client`), a
    prefetch given no scoped queryset, `.values()`. Portal code reads those through `scope`
    too, as it must anyway to keep another client's rows out.
    """

    client: str = ""
    parent: str = ""
    also: tuple[str, ...] = ()
    shown: models.Q = models.Q()
    whole_company: bool = False
    hidden: tuple[str, ...] = ()


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
    Customer, of those only their own client's, only what is shown to customers, and without
    the fields hidden from them (CustomerScope.hidden: sealed, see there)."""
    rows = queryset.filter(company_id=membership.company_id)
    if membership.role != Role.CUSTOMER:
        return rows
    rows = rows.filter(customer_rows(queryset.model, membership.client_id))
    hidden = hidden_from_customers(queryset.model)
    if hidden:
        rows = rows.defer(*hidden)
    if rows._iterable_class is ModelIterable:
        rows._iterable_class = CustomerCopies
    return rows


# --- fields hidden from customers --------------------------------------------------------------


class HiddenField(PermissionDenied):
    """Raised on reading a field a customer's copy of a row does not have (CustomerScope.hidden).
    A template shows nothing in its place; anywhere else it is an error (a 403 from a view)."""

    silent_variable_failure = True


def hidden_from_customers(model: type[models.Model]) -> frozenset[str]:
    """The fields (attnames) of `model` that no customer sees, even on their own rows."""
    rule: CustomerScope | None = getattr(model, "customer_scope", None)
    return frozenset(rule.hidden) if rule else frozenset()


def seal(obj: models.Model, _seen: set[int] | None = None) -> None:
    """Make `obj` a customer's copy: its hidden fields dropped and never loaded again (see
    `check_loading`); the same for the rows cached on it (those of `select_related`)."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    hidden = hidden_from_customers(type(obj))
    if hidden:
        for name in hidden:
            obj.__dict__.pop(name, None)
        obj.__dict__[SEALED] = hidden
    for related in obj._state.fields_cache.values():
        if isinstance(related, models.Model):
            seal(related, seen)


SEALED = "_hidden_from_viewer"  # on a sealed copy: its hidden fields
_SAVING = "_saving_sealed"  # while a sealed copy is saved


def check_loading(obj: models.Model, fields) -> None:
    """Called before a deferred field of `obj` is loaded: refuses a sealed copy's hidden ones
    (except while it is saved, for its history)."""
    hidden = obj.__dict__.get(SEALED)
    if not hidden or fields is None or obj.__dict__.get(_SAVING):
        return
    refused = hidden.intersection(fields)
    if refused:
        names = ", ".join(sorted(refused))
        raise HiddenField(f"{type(obj).__name__}.{names} is not shown to customers.")


def save_sealed(obj: models.Model, save, *args, **kwargs) -> None:
    """Save a sealed copy: Django writes only its loaded fields (the hidden ones are deferred);
    what the save reads of the hidden ones (simple_history's record) is read for it, then the
    copy is sealed again."""
    hidden = obj.__dict__.get(SEALED)
    if not hidden:
        save(*args, **kwargs)
        return
    obj.__dict__[_SAVING] = True
    try:
        save(*args, **kwargs)
    finally:
        del obj.__dict__[_SAVING]
        for name in hidden:
            obj.__dict__.pop(name, None)


class CustomerCopies(ModelIterable):
    """The rows of a customer's queryset, each sealed (see `seal`)."""

    def __iter__(self):
        for obj in super().__iter__():
            seal(obj)
            yield obj


def in_scope(obj: models.Model, membership: "Membership") -> bool:
    """Whether `scope` lets the member see this one record."""
    return scope(type(obj)._base_manager.filter(pk=obj.pk), membership).exists()


def roles_allowed(action: str) -> Iterable[str]:
    return RULES[action]
