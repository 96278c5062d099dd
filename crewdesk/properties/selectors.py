"""Reads about properties and the service catalog that pages and the API share."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client
from crewdesk.core.permissions import Action, require, scope
from crewdesk.properties.models import Property, PropertyService, Service


def property_queryset(*, viewer: Membership) -> QuerySet[Property]:
    """The company's properties, for the office."""
    require(viewer, Action.VIEW_RECORDS)
    return scope(Property.objects.all(), viewer).select_related("client")


def property_get(*, viewer: Membership, property_id) -> Property:
    """Raises Property.DoesNotExist for an id of another company (or not a number)."""
    try:
        return property_queryset(viewer=viewer).get(pk=int(property_id))
    except (TypeError, ValueError) as error:
        raise Property.DoesNotExist from error


def properties_of_client(
    *, viewer: Membership, client: Client, include_archived: bool = False
) -> QuerySet[Property]:
    properties = property_queryset(viewer=viewer).filter(client=client)
    if not include_archived:
        properties = properties.filter(archived_at__isnull=True)
    return properties.order_by("archived_at", "name", "street", "id")


def property_services(*, prop: Property, include_archived: bool = False) -> QuerySet:
    services = prop.services.select_related("service").prefetch_related(
        Prefetch("assignees", queryset=Membership.objects.select_related("user"))
    )
    if not include_archived:
        services = services.filter(archived_at__isnull=True)
    return services.order_by("service__name", "id")


def service_catalog(*, viewer: Membership, include_archived: bool = False) -> QuerySet[Service]:
    require(viewer, Action.VIEW_RECORDS)
    services = scope(Service.objects.all(), viewer)
    if not include_archived:
        services = services.filter(archived_at__isnull=True)
    return services.order_by("name", "id")


def service_get(*, viewer: Membership, service_id) -> Service:
    try:
        return scope(Service.objects.all(), viewer).get(pk=int(service_id))
    except (TypeError, ValueError) as error:
        raise Service.DoesNotExist from error


def property_service_get(*, viewer: Membership, ps_id) -> PropertyService:
    require(viewer, Action.VIEW_RECORDS)
    try:
        return (
            scope(PropertyService.objects.all(), viewer)
            .select_related("service", "property")
            .get(pk=int(ps_id))
        )
    except (TypeError, ValueError) as error:
        raise PropertyService.DoesNotExist from error


# --- prices ----------------------------------------------------------------------------------


def agreed_prices(*, properties: Iterable[Property]) -> dict[int, dict[int, Decimal]]:
    """Each property's agreed price per service (property id → service id → price), from its
    active services, in one query. A service the property has twice counts at its newest
    agreement's price."""
    properties = list(properties)
    prices: dict[int, dict[int, Decimal]] = {p.pk: {} for p in properties}
    agreements = PropertyService.objects.filter(
        property__in=properties, archived_at__isnull=True
    ).order_by("id")
    for property_id, service_id, price in agreements.values_list(
        "property_id", "service_id", "price"
    ):
        prices[property_id][service_id] = price  # the newest is read last
    return prices


def service_price_at(
    *, prop: Property, service: Service, agreement: PropertyService | None = None
) -> Decimal:
    """The price of `service` done at `prop` when nobody typed one: the property's agreed price
    if it has the service, else the catalog's default price. The one price rule of a job
    line (the job form's hints, the job services, the recurring jobs); invoices copy it.
    `agreement`: the property's service the caller works from (a recurring one makes its own
    jobs at its own price, even when the property has the service twice)."""
    if agreement is not None:
        return agreement.price
    agreed = agreed_prices(properties=[prop])[prop.pk].get(service.pk)
    return service.default_price if agreed is None else agreed
