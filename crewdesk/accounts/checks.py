"""Deployment checks of the login's surroundings (`crewdesk check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_declared(app_configs, **kwargs) -> list[Warning]:
    """HTTPS behind an undeclared proxy loops on the redirect to HTTPS, and every visitor shares
    the proxy's address in the login throttles."""
    if settings.SECURE_SSL_REDIRECT and settings.TRUSTED_PROXIES == 0:
        return [
            Warning(
                "HTTPS is on but no proxy is declared (TRUSTED_PROXIES=0).",
                hint="Behind a TLS-terminating proxy, set TRUSTED_PROXIES to the number of "
                "proxies in front of Crewdesk (README: Running in production). If Crewdesk "
                "itself terminates TLS, silence crewdesk.W001.",
                id="crewdesk.W001",
            )
        ]
    return []
