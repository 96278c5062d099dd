"""The property reads pages and the API share: the price of a service at a property."""

from decimal import Decimal

import pytest

from crewdesk.properties.selectors import agreed_prices, service_price_at
from crewdesk.properties.services import property_service_add, property_service_archive
from tests.factories import make_property, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def prop(owner, make_client):
    return make_property(owner, make_client(first_name="Ann", last_name="Lee"))


def test_a_service_the_property_gets_is_at_its_agreed_price(owner, prop):
    service = make_service(owner, "Standard clean", "120.00")
    property_service_add(actor=owner, prop=prop, data={"service": service.pk, "price": "95.00"})
    assert service_price_at(prop=prop, service=service) == Decimal("95.00")


def test_any_other_service_is_at_the_catalog_price(owner, prop):
    service = make_service(owner, "Windows", "40.00")
    assert service_price_at(prop=prop, service=service) == Decimal("40.00")


def test_an_archived_agreement_no_longer_counts(owner, prop):
    service = make_service(owner, "Standard clean", "120.00")
    ps = property_service_add(
        actor=owner, prop=prop, data={"service": service.pk, "price": "95.00"}
    )
    property_service_archive(actor=owner, ps=ps)
    assert service_price_at(prop=prop, service=service) == Decimal("120.00")


def test_a_service_there_twice_is_at_the_newest_price_unless_one_is_named(owner, prop):
    service = make_service(owner, "Standard clean", "120.00")
    first = property_service_add(
        actor=owner, prop=prop, data={"service": service.pk, "price": "95.00"}
    )
    property_service_add(actor=owner, prop=prop, data={"service": service.pk, "price": "99.00"})
    assert service_price_at(prop=prop, service=service) == Decimal("99.00")
    assert service_price_at(prop=prop, service=service, agreement=first) == Decimal("95.00")


def test_agreed_prices_of_several_properties_in_one_query(
    owner, prop, make_client, django_assert_num_queries
):
    other = make_property(owner, make_client(first_name="Bo", last_name="Li"), street="1 Elm")
    service = make_service(owner, "Standard clean", "120.00")
    property_service_add(actor=owner, prop=prop, data={"service": service.pk, "price": "95.00"})
    with django_assert_num_queries(1):
        prices = agreed_prices(properties=[prop, other])
    assert prices == {prop.pk: {service.pk: Decimal("95.00")}, other.pk: {}}
