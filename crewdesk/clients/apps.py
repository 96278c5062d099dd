from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "crewdesk.clients"
    label = "clients"
    verbose_name = "Clients"
