from django.apps import AppConfig


class SampledataConfig(AppConfig):
    name = "crewdesk.sampledata"
    label = "sampledata"
    verbose_name = "Sample data"
