from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "crewdesk.jobs"
    label = "jobs"
    verbose_name = "Jobs"
