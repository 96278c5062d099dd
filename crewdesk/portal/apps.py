from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "crewdesk.portal"
    label = "portal"
