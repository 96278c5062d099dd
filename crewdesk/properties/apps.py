from django.apps import AppConfig


class PropertiesConfig(AppConfig):
    name = "crewdesk.properties"
    label = "properties"
    verbose_name = "Properties"
