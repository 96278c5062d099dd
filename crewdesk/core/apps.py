from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crewdesk.core"
    label = "core"
    verbose_name = "Core"
