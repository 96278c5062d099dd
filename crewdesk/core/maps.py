"""Links to a map for an address or a point: one map service everywhere (OpenStreetMap, which
needs no key and opens in a phone's browser or map app)."""

from urllib.parse import quote

MAP_SEARCH_URL = "https://www.openstreetmap.org/search?query="
MAP_POINT_URL = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def map_url(*, address: str = "", latitude=None, longitude=None) -> str | None:
    """A pin when the coordinates are known, else a search for the address; None for neither."""
    if latitude is not None and longitude is not None:
        return MAP_POINT_URL.format(lat=latitude, lon=longitude)
    return MAP_SEARCH_URL + quote(address) if address else None
