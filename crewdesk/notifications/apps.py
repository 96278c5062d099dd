from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "crewdesk.notifications"
    label = "notifications"

    def ready(self) -> None:
        from crewdesk.core.cleanup import CLEANUPS
        from crewdesk.notifications.cleanup import messages_cleanup

        CLEANUPS.append(messages_cleanup)
