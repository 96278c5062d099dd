from django.apps import AppConfig


class PropertiesConfig(AppConfig):
    name = "crewdesk.properties"
    label = "properties"
    verbose_name = "Properties"

    def ready(self) -> None:
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.properties.services import client_history_blockers

        HISTORY_CHECKS.append(client_history_blockers)
