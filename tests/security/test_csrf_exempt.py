"""Stripe's webhook is the only CSRF-exempt route (DESIGN §6): every other page checks the
CSRF token of a post. The API (`/api/v1/`) is exempt in Django's sense because it is
authenticated by a bearer token, never by the session's cookie."""

from django.urls import URLPattern, URLResolver, get_resolver


def _views(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_the_stripe_webhook_is_the_only_csrf_exempt_route():
    exempt = sorted(
        route
        for route, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/v1/")
    )
    assert exempt == ["webhooks/stripe/"]


def test_a_post_without_a_csrf_token_is_refused_outside_the_webhook(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "x"}).status_code == 403
    assert strict.post("/d/" + "x" * 43 + "/pay/", {}).status_code == 403
    assert (
        strict.post("/webhooks/stripe/", "{}", content_type="application/json").status_code == 400
    )
