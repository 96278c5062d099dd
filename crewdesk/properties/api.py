"""The properties part of the API (DESIGN §6): properties, the service catalog and the services
each property gets. Office only (an employee's or customer's token answers 403). Thin: each
endpoint parses, calls the service or selector the pages use, and answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from crewdesk.accounts.models import Membership
from crewdesk.api.errors import BODY_ERRORS, COMMON_ERRORS
from crewdesk.api.pagination import PageNumberPagination, bounded_count
from crewdesk.clients.filters import Archived
from crewdesk.clients.models import Client
from crewdesk.clients.selectors import client_get
from crewdesk.core.permissions import Action, require
from crewdesk.properties import selectors, services
from crewdesk.properties.models import Property, PropertyService
from crewdesk.properties.schemas import (
    PropertyCreateIn,
    PropertyListOut,
    PropertyListQuery,
    PropertyOut,
    PropertyPatchIn,
    PropertyServiceCreateIn,
    PropertyServiceIn,
    PropertyServiceOut,
    ServiceCreateIn,
    ServiceIn,
    ServiceOut,
)

router = Router(tags=["properties"])
catalog_router = Router(tags=["services"])


def _member(request: HttpRequest) -> Membership:
    """The token's membership, once its role may use this API (403 before any 404)."""
    require(request.membership, Action.VIEW_RECORDS)
    return request.membership


def _property(request: HttpRequest, property_id: int) -> Property:
    return selectors.property_get(viewer=_member(request), property_id=property_id)


def _property_service(request: HttpRequest, property_id: int, ps_id: int) -> PropertyService:
    prop = _property(request, property_id)
    ps = selectors.property_service_get(viewer=request.membership, ps_id=ps_id)
    if ps.property_id != prop.pk:
        raise PropertyService.DoesNotExist
    return ps


def _client_in_body(member: Membership, client_id: int) -> Client:
    """A client id sent in the body: one of another company is a field error (422)."""
    try:
        return client_get(viewer=member, client_id=client_id)
    except Client.DoesNotExist as error:
        raise ValidationError({"client": [_("No such record in your company.")]}) from error


def _with_crew(ps: PropertyService) -> PropertyService:
    """The service as the list reads it (crew prefetched), after a write."""
    return selectors.property_services(prop=ps.property, include_archived=True).get(pk=ps.pk)


def _properties(member: Membership, filters: PropertyListQuery) -> QuerySet[Property]:
    """The list's rows: narrowed by client first (its index), then the cheap filters, then the
    words; newest first (the company's recent-properties index)."""
    found = selectors.property_queryset(viewer=member)
    if filters.client is not None:
        found = found.filter(client_id=filters.client)
    if filters.archived == Archived.ACTIVE:
        found = found.filter(archived_at__isnull=True)
    elif filters.archived == Archived.ARCHIVED:
        found = found.filter(archived_at__isnull=False)
    if filters.type:
        found = found.filter(type=filters.type)
    for word in filters.search.split()[:5]:
        found = found.filter(
            Q(name__icontains=word) | Q(street__icontains=word) | Q(city__icontains=word)
        )
    return found.order_by("-created_at", "-id")


# --- properties ------------------------------------------------------------------------------


@router.get("/properties", response={200: PropertyListOut, **COMMON_ERRORS})
def property_list(request, filters: Query[PropertyListQuery]):
    """Properties, newest first, filtered by client, type and archived state and searched by
    name, street or city. `count` is exact up to 1,000 matches (`count_exact`)."""
    found = _properties(_member(request), filters)
    count, exact = bounded_count(found)
    start = (filters.page - 1) * filters.page_size
    return {
        "items": list(found[start : start + filters.page_size]),
        "count": count,
        "count_exact": exact,
    }


@router.post("/properties", response={201: PropertyOut, **BODY_ERRORS})
def property_new(request, payload: PropertyCreateIn):
    """Create a property of a client (`client` is its id)."""
    member = _member(request)
    client = _client_in_body(member, payload.client)
    data = payload.model_dump(exclude_unset=True, exclude={"client"})
    prop = services.property_create(actor=member, client=client, data=data)
    return Status(201, selectors.property_get(viewer=member, property_id=prop.pk))


@router.get("/properties/{property_id}", response={200: PropertyOut, **COMMON_ERRORS})
def property_detail(request, property_id: int):
    return _property(request, property_id)


@router.patch("/properties/{property_id}", response={200: PropertyOut, **BODY_ERRORS})
def property_change(request, property_id: int, payload: PropertyPatchIn):
    """Change a property: only the fields sent change. A `client` other than its own moves
    the property there, with its jobs not yet started."""
    prop = _property(request, property_id)
    data = payload.model_dump(exclude_unset=True, exclude={"client"})
    with transaction.atomic():
        if payload.client is not None:
            prop = services.property_move(
                actor=request.membership, prop=prop, new_client=payload.client
            )
        services.property_update(actor=request.membership, prop=prop, data=data)
    return selectors.property_get(viewer=request.membership, property_id=prop.pk)


@router.post("/properties/{property_id}/archive", response={200: PropertyOut, **COMMON_ERRORS})
def property_archive(request, property_id: int):
    return services.property_archive(actor=request.membership, prop=_property(request, property_id))


@router.post("/properties/{property_id}/restore", response={200: PropertyOut, **COMMON_ERRORS})
def property_restore(request, property_id: int):
    return services.property_restore(actor=request.membership, prop=_property(request, property_id))


# --- the services a property gets ------------------------------------------------------------


@router.get(
    "/properties/{property_id}/services",
    response={200: list[PropertyServiceOut], **COMMON_ERRORS},
)
@paginate(PageNumberPagination)
def property_service_list(request, property_id: int, archived: bool = False):
    """The services the property gets (with `archived`, also those it no longer gets)."""
    return selectors.property_services(
        prop=_property(request, property_id), include_archived=archived
    )


def _property_service_data(payload: PropertyServiceIn) -> tuple[dict, list | None]:
    data = payload.model_dump(exclude_unset=True, exclude={"assignees", "service"})
    return data, payload.assignees if "assignees" in payload.model_fields_set else None


@router.post(
    "/properties/{property_id}/services", response={201: PropertyServiceOut, **BODY_ERRORS}
)
def property_service_new(request, property_id: int, payload: PropertyServiceCreateIn):
    """Add a catalog service to the property, with its price there and how often it repeats;
    a repeating one generates its upcoming jobs."""
    prop = _property(request, property_id)
    data, assignees = _property_service_data(payload)
    data["service"] = payload.service
    ps = services.property_service_add(
        actor=request.membership, prop=prop, data=data, assignees=assignees
    )
    return Status(201, _with_crew(ps))


@router.patch(
    "/properties/{property_id}/services/{ps_id}",
    response={200: PropertyServiceOut, **BODY_ERRORS},
)
def property_service_change(request, property_id: int, ps_id: int, payload: PropertyServiceIn):
    """Change only the fields sent; a changed rule changes the jobs still to come."""
    ps = _property_service(request, property_id, ps_id)
    data, assignees = _property_service_data(payload)
    ps = services.property_service_update(
        actor=request.membership, ps=ps, data=data, assignees=assignees
    )
    return _with_crew(ps)


@router.post(
    "/properties/{property_id}/services/{ps_id}/archive",
    response={200: PropertyServiceOut, **COMMON_ERRORS},
)
def property_service_archive(request, property_id: int, ps_id: int):
    """The property no longer gets this service: its future generated jobs are cancelled."""
    ps = _property_service(request, property_id, ps_id)
    return _with_crew(services.property_service_archive(actor=request.membership, ps=ps))


# --- the service catalog ---------------------------------------------------------------------


@catalog_router.get("/services", response={200: list[ServiceOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def service_list(request, archived: bool = False):
    """The company's service catalog by name (with `archived`, the archived entries too)."""
    return selectors.service_catalog(viewer=_member(request), include_archived=archived)


@catalog_router.post("/services", response={201: ServiceOut, **BODY_ERRORS})
def service_new(request, payload: ServiceCreateIn):
    member = _member(request)
    service = services.service_create(actor=member, data=payload.model_dump(exclude_unset=True))
    return Status(201, selectors.service_get(viewer=member, service_id=service.pk))


@catalog_router.get("/services/{service_id}", response={200: ServiceOut, **COMMON_ERRORS})
def service_detail(request, service_id: int):
    return selectors.service_get(viewer=_member(request), service_id=service_id)


@catalog_router.patch("/services/{service_id}", response={200: ServiceOut, **BODY_ERRORS})
def service_change(request, service_id: int, payload: ServiceIn):
    service = selectors.service_get(viewer=_member(request), service_id=service_id)
    services.service_update(
        actor=request.membership, service=service, data=payload.model_dump(exclude_unset=True)
    )
    return selectors.service_get(viewer=request.membership, service_id=service_id)


@catalog_router.post("/services/{service_id}/archive", response={200: ServiceOut, **COMMON_ERRORS})
def service_archive(request, service_id: int):
    service = selectors.service_get(viewer=_member(request), service_id=service_id)
    return services.service_archive(actor=request.membership, service=service)
