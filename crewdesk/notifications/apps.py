from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "crewdesk.notifications"
    label = "notifications"
