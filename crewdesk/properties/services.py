"""Every write about properties, the service catalog and the services a property gets.
Each function checks the member's role and company, runs in a transaction and writes the
activity log. Pages and the API both come through here."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import crew_members
from crewdesk.clients.indexing import client_index_refresh
from crewdesk.clients.models import Client
from crewdesk.core import dates
from crewdesk.core.changes import apply_changes
from crewdesk.core.models import Activity
from crewdesk.core.permissions import Action, can, require
from crewdesk.core.records import company_record
from crewdesk.core.roles import STAFF_ROLES
from crewdesk.properties import events
from crewdesk.properties.geocoding import geocode
from crewdesk.properties.hooks import PROPERTY_MOVE_HANDLERS, SERVICE_SCHEDULE_HANDLERS
from crewdesk.properties.models import (
    WEEKDAY_CODES,
    Frequency,
    Property,
    PropertyService,
    Service,
)

PROPERTY_FIELDS = (
    "name",
    "type",
    "street",
    "street2",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "access_notes",
    "description",
)
SERVICE_FIELDS = ("name", "description", "default_price", "duration_minutes", "taxable")
PROPERTY_SERVICE_FIELDS = (
    "price",
    "instructions",
    "frequency",
    "interval",
    "weekdays",
    "starts_on",
    "ends_on",
    "start_time",
)
# The property's words its client is found by (see clients/indexing.py tokens_for).
SEARCHED_FIELDS = frozenset({"name", "street", "city"})
# Fields whose change alters which future jobs a recurring service generates, or their times.
RECURRENCE_FIELDS = frozenset(
    {"frequency", "interval", "weekdays", "starts_on", "ends_on", "start_time"}
)


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str | type(None)) else value


def _apply(instance, fields: tuple[str, ...], data: dict) -> dict[str, list]:
    """Set the given fields from `data`, text trimmed; answer {field: [before, after]} of what
    changed."""
    values = {}
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) or value is None and isinstance(getattr(instance, name), str):
            value = _text(value)
        if name == "country" and value:
            value = value.upper()
        values[name] = value
    return apply_changes(instance, values)


def _changes_without_secrets(changes: dict) -> dict:
    """The activity log says access notes changed, never what they say."""
    if "access_notes" in changes:
        changes = {**changes, "access_notes": ["…", "…"]}
    return changes


# --- properties ------------------------------------------------------------------------------


@transaction.atomic
def property_create(*, actor: Membership, client: Client, data: dict) -> Property:
    require(actor, Action.EDIT_RECORDS, client)
    if client.archived_at or client.merged_into_id:
        raise ValidationError({"client": [_("This client is archived: restore it first.")]})
    prop = Property(company_id=actor.company_id, client=client, created_by=actor.user)
    prop.country = actor.company.country
    _apply(prop, PROPERTY_FIELDS, data)
    _fill_coordinates(prop)
    prop.full_clean(exclude=["company", "client", "created_by"])
    prop.save()
    client_index_refresh(client)  # the client is found by the property's address too
    events.property_created_event(actor=actor, prop=prop)
    return prop


def _fill_coordinates(prop: Property) -> None:
    """Coordinates typed in win; else the configured geocoder's answer (none by default)."""
    if prop.latitude is not None and prop.longitude is not None:
        return
    found = geocode(prop)
    if found:
        prop.latitude, prop.longitude = found


@transaction.atomic
def property_update(*, actor: Membership, prop: Property, data: dict) -> Property:
    require(actor, Action.EDIT_RECORDS, prop)
    address_before = prop.address_line
    changes = _apply(prop, PROPERTY_FIELDS, data)
    if address_before != prop.address_line and not {"latitude", "longitude"} & set(changes):
        prop.latitude = prop.longitude = None  # the old point is not this address's
        _fill_coordinates(prop)
    prop.full_clean(exclude=["company", "client", "created_by"])
    if changes:
        prop.save()
        if SEARCHED_FIELDS & set(changes):
            client_index_refresh(prop.client)
        events.property_updated_event(
            actor=actor, prop=prop, changes=_changes_without_secrets(changes)
        )
    return prop


@transaction.atomic
def property_archive(*, actor: Membership, prop: Property) -> Property:
    require(actor, Action.EDIT_RECORDS, prop)
    if prop.archived_at is None:
        prop.archived_at = timezone.now()
        prop.save(update_fields=["archived_at"])
        client_index_refresh(prop.client)
        events.property_event(actor=actor, prop=prop, verb=events.Verb.PROPERTY_ARCHIVED)
    return prop


@transaction.atomic
def property_restore(*, actor: Membership, prop: Property) -> Property:
    require(actor, Action.EDIT_RECORDS, prop)
    if prop.archived_at is not None:
        prop.archived_at = None
        prop.save(update_fields=["archived_at"])
        client_index_refresh(prop.client)
        events.property_event(actor=actor, prop=prop, verb=events.Verb.PROPERTY_RESTORED)
    return prop


@transaction.atomic
def property_move(*, actor: Membership, prop: Property, new_client) -> Property:
    """The property now belongs to another client (a house sold, a manager changed).

    What other apps keep about the property follows it by their own rules, through
    PROPERTY_MOVE_HANDLERS (the jobs not yet started move; those done stay)."""
    require(actor, Action.EDIT_RECORDS, prop)
    new_client = company_record(actor, Client, new_client, "client")
    if new_client.archived_at or new_client.merged_into_id:
        raise ValidationError({"client": [_("That client is archived: restore it first.")]})
    old_client = prop.client
    if new_client.pk == old_client.pk:
        return prop
    prop.client = new_client
    prop.save(update_fields=["client"])
    followed = {
        handler.data_key: handler.follow(actor, prop, new_client)
        for handler in PROPERTY_MOVE_HANDLERS
    }
    client_index_refresh(old_client)
    client_index_refresh(new_client)
    events.property_moved_event(
        actor=actor, prop=prop, old_client=old_client, new_client=new_client, followed=followed
    )
    return prop


# A job gives its crew the way in from the day before its day (the evening's preparation) to
# the day after (a visit running late), while it is open: a past, finished, cancelled,
# archived or far-off job does not hand out today's codes.
ACCESS_DAYS_AROUND_A_JOB = 1


def job_unlocks_access_notes(*, job, today: datetime.date) -> bool:
    """Whether an assigned employee may read the property's access notes through this job."""
    if job.archived_at is not None or not job.is_open:
        return False
    return abs((job.scheduled_date - today).days) <= ACCESS_DAYS_AROUND_A_JOB


def access_notes_for(*, viewer: Membership, prop: Property, job=None) -> str | None:
    """The property's access notes if this member may read them, else None.

    The office always may; an employee only through an open job assigned to them at this
    property, near its day (job_unlocks_access_notes), and the reading is logged."""
    if prop.company_id != viewer.company_id:
        return None
    if can(viewer, Action.VIEW_RECORDS):
        return prop.access_notes
    if job is None or job.property_id != prop.pk or viewer.role not in STAFF_ROLES:
        return None
    zone = dates.company_zone(viewer.company)
    if not job_unlocks_access_notes(job=job, today=timezone.localdate(timezone=zone)):
        return None
    if not job.assignments.filter(membership=viewer).exists():
        return None
    if prop.access_notes and not _reading_logged_today(viewer, prop, job, zone):
        events.access_notes_viewed_event(actor=viewer, prop=prop, job=job)
    return prop.access_notes


def _reading_logged_today(viewer: Membership, prop: Property, job, zone) -> bool:
    """Whether this member's reading of these notes through this job is already in today's
    log. A visit shows the job's page a dozen times (each status, tick and photo): once a
    day is what the log needs, and once more when the notes change."""
    midnight = datetime.datetime.combine(
        timezone.localdate(timezone=zone), datetime.time(), tzinfo=zone
    )
    latest = (
        Activity.objects.filter(
            company_id=viewer.company_id,
            target_type=ContentType.objects.get_for_model(Property),
            target_id=prop.pk,
            created_at__gte=midnight,
        )
        .filter(
            Q(verb=events.Verb.ACCESS_NOTES_VIEWED, actor_id=viewer.user_id, data__job_id=job.pk)
            | Q(verb=events.Verb.PROPERTY_UPDATED, data__changes__has_key="access_notes")
        )
        .order_by("-created_at", "-id")
        .values_list("verb", flat=True)
        .first()
    )
    return latest == events.Verb.ACCESS_NOTES_VIEWED


# --- the service catalog ---------------------------------------------------------------------


def _check_unique_service_name(actor: Membership, service: Service) -> None:
    taken = Service.objects.filter(
        company_id=actor.company_id, name__iexact=service.name, archived_at__isnull=True
    ).exclude(pk=service.pk)
    if taken.exists():
        raise ValidationError({"name": [_("The catalog already has a service of this name.")]})


@transaction.atomic
def service_create(*, actor: Membership, data: dict) -> Service:
    require(actor, Action.EDIT_RECORDS)
    service = Service(company_id=actor.company_id)
    _apply(service, SERVICE_FIELDS, data)
    service.full_clean(exclude=["company"], validate_constraints=False)
    _check_unique_service_name(actor, service)
    service.save()
    events.service_event(actor=actor, service=service, verb=events.Verb.SERVICE_CREATED)
    return service


@transaction.atomic
def service_update(*, actor: Membership, service: Service, data: dict) -> Service:
    require(actor, Action.EDIT_RECORDS, service)
    changes = _apply(service, SERVICE_FIELDS, data)
    service.full_clean(exclude=["company"], validate_constraints=False)
    _check_unique_service_name(actor, service)
    if changes:
        service.save()
        events.service_event(
            actor=actor, service=service, verb=events.Verb.SERVICE_UPDATED, changes=changes
        )
    return service


@transaction.atomic
def service_archive(*, actor: Membership, service: Service) -> Service:
    """Archived services leave the pickers; the properties and jobs using them keep them."""
    require(actor, Action.EDIT_RECORDS, service)
    if service.archived_at is None:
        service.archived_at = timezone.now()
        service.save(update_fields=["archived_at"])
        events.service_event(actor=actor, service=service, verb=events.Verb.SERVICE_ARCHIVED)
    return service


# --- the services a property gets ------------------------------------------------------------


def _clean_weekdays(value) -> str:
    if isinstance(value, list | tuple):
        codes = [str(v).upper()[:2] for v in value]
    else:
        codes = [v.strip().upper()[:2] for v in (value or "").split(",") if v.strip()]
    unknown = [c for c in codes if c not in WEEKDAY_CODES]
    if unknown:
        raise ValidationError({"weekdays": [_("Days are MO, TU, WE, TH, FR, SA or SU.")]})
    return ",".join(c for c in WEEKDAY_CODES if c in codes)


def _price(value, field: str = "price") -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError({field: [_("Enter an amount such as 120.00.")]}) from error


def _validate_recurrence(ps: PropertyService) -> None:
    for name in ("starts_on", "ends_on"):
        if not dates.in_range(getattr(ps, name)):
            raise ValidationError({name: [dates.OUT_OF_RANGE]})
    if not ps.frequency:
        if ps.weekdays:
            raise ValidationError({"weekdays": [_("Days of the week apply to weekly services.")]})
        return
    errors = {}
    if ps.starts_on is None:
        errors["starts_on"] = [_("A repeating service needs the day it starts.")]
    if ps.ends_on and ps.starts_on and ps.ends_on < ps.starts_on:
        errors["ends_on"] = [_("The end is before the start.")]
    if ps.frequency != Frequency.WEEKLY and ps.weekdays:
        errors["weekdays"] = [_("Days of the week apply to weekly services only.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def property_service_add(
    *, actor: Membership, prop: Property, data: dict, assignees=None
) -> PropertyService:
    require(actor, Action.EDIT_RECORDS, prop)
    if "service" not in data:
        raise ValidationError({"service": [_("Pick a service from the catalog.")]})
    service = company_record(actor, Service, data["service"], "service")
    if service.archived_at:
        raise ValidationError({"service": [_("This service is archived.")]})
    ps = PropertyService(company_id=actor.company_id, property=prop, service=service)
    values = {**data}
    values["price"] = (
        _price(values["price"])
        if values.get("price") not in (None, "")
        else (service.default_price)
    )
    if "weekdays" in values:
        values["weekdays"] = _clean_weekdays(values["weekdays"])
    values.setdefault("frequency", "")
    values["frequency"] = values["frequency"] or ""
    _apply(ps, PROPERTY_SERVICE_FIELDS, values)
    ps.full_clean(exclude=["company", "property", "service"])
    _validate_recurrence(ps)
    crew = crew_members(viewer=actor, ids=assignees)
    ps.save()
    ps.assignees.set(crew)
    events.property_service_event(actor=actor, ps=ps, verb=events.Verb.PROPERTY_SERVICE_ADDED)
    if ps.is_recurring:
        for handler in SERVICE_SCHEDULE_HANDLERS:
            handler.started(ps, actor=actor)
    return ps


@transaction.atomic
def property_service_update(
    *, actor: Membership, ps: PropertyService, data: dict, assignees=None
) -> PropertyService:
    """Changing the rule or its times changes the jobs still to come, never those past or
    already under way."""
    require(actor, Action.EDIT_RECORDS, ps)
    values = {**data}
    if "price" in values:
        values["price"] = _price(values["price"])
    if "weekdays" in values:
        values["weekdays"] = _clean_weekdays(values["weekdays"])
    if "frequency" in values:
        values["frequency"] = values["frequency"] or ""
    changes = _apply(ps, PROPERTY_SERVICE_FIELDS, values)
    ps.full_clean(exclude=["company", "property", "service"])
    _validate_recurrence(ps)
    crew_changed = False
    if assignees is not None:
        crew = crew_members(viewer=actor, ids=assignees)
        crew_changed = {m.pk for m in crew} != set(ps.assignees.values_list("pk", flat=True))
        ps.assignees.set(crew)
    if changes or crew_changed:
        ps.save()
        events.property_service_event(
            actor=actor, ps=ps, verb=events.Verb.PROPERTY_SERVICE_UPDATED, changes=changes
        )
    if RECURRENCE_FIELDS & set(changes) or crew_changed or "price" in changes:
        for handler in SERVICE_SCHEDULE_HANDLERS:
            handler.changed(ps, actor=actor)
    return ps


@transaction.atomic
def property_service_archive(*, actor: Membership, ps: PropertyService) -> PropertyService:
    """The property no longer gets this service: its future generated jobs are cancelled."""
    require(actor, Action.EDIT_RECORDS, ps)
    if ps.archived_at is None:
        ps.archived_at = timezone.now()
        ps.save(update_fields=["archived_at"])
        for handler in SERVICE_SCHEDULE_HANDLERS:
            handler.stopped(ps, actor=actor)
        events.property_service_event(
            actor=actor, ps=ps, verb=events.Verb.PROPERTY_SERVICE_ARCHIVED
        )
    return ps


def client_history_blockers(*, client: Client) -> list[str]:
    """A client with properties (and so, maybe, jobs) is archived, never deleted."""
    if Property.objects.filter(client=client).exists():
        return [_("it has properties")]
    return []
