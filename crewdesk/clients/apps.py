from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "crewdesk.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from crewdesk.clients.models import NoteFile
        from crewdesk.core.uploads import STORED_FILE_MODELS

        STORED_FILE_MODELS.append(NoteFile)
