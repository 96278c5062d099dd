from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "crewdesk.api"
    label = "api"
