"""The address a request came from, as the login throttles and the session list see it.

Behind reverse proxies the connection comes from the nearest proxy, and X-Forwarded-For lists
the addresses the request passed through, each proxy appending the one it saw. Only the
entries our own proxies appended can be believed: with TRUSTED_PROXIES = n, the client is the
n-th entry from the right. Anything to its left was written by the client and is ignored."""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)
_warned_untrusted_header = False


def parse_address(value: str | None) -> str | None:
    """A valid IPv4 or IPv6 address in its normal form, or None. Ports are dropped
    ("1.2.3.4:80", "[::1]:80"), as some proxies add them."""
    value = (value or "").strip().split("%", 1)[0]  # an IPv6 zone ("%eth0") names no host
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    remote = parse_address(request.META.get("REMOTE_ADDR"))
    hops = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops <= 0:
        if forwarded:
            _warn_once_about_untrusted_header()
        return remote
    entries = [entry for entry in forwarded.split(",") if entry.strip()]
    if len(entries) < hops:
        # Fewer entries than proxies: the request skipped one of them; trust only the socket.
        return remote
    return parse_address(entries[-hops]) or remote


def _warn_once_about_untrusted_header() -> None:
    global _warned_untrusted_header
    if not _warned_untrusted_header:
        _warned_untrusted_header = True
        logger.warning(
            "Requests carry X-Forwarded-For but TRUSTED_PROXIES is 0: every visitor looks like "
            "the proxy's address to the login throttles. Set TRUSTED_PROXIES to the number of "
            "proxies in front of Crewdesk (README, Running in production)."
        )
