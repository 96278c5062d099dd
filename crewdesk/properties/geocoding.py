"""Turning an address into coordinates, behind an interface.

No geocoder is called by default (and tests never touch the network): set
`CREWDESK_GEOCODER` to the dotted path of a class with `geocode(query) -> (lat, lon) | None`
to use one. Coordinates typed into the property form always win."""

from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Geocoder(Protocol):
    def geocode(self, query: str) -> tuple[Decimal, Decimal] | None: ...


class NoGeocoder:
    """The default: coordinates come only from what the office types."""

    def geocode(self, query: str) -> tuple[Decimal, Decimal] | None:
        return None


@lru_cache(maxsize=1)
def _geocoder() -> Geocoder:
    path = getattr(settings, "CREWDESK_GEOCODER", "")
    return import_string(path)() if path else NoGeocoder()


def geocode(prop) -> tuple[Decimal, Decimal] | None:
    query = prop.address_line
    if not query:
        return None
    found = _geocoder().geocode(f"{query}, {prop.country}" if prop.country else query)
    if not found:
        return None
    lat, lon = (Decimal(str(v)).quantize(Decimal("0.000001")) for v in found)
    return lat, lon
