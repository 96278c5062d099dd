from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crewdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from crewdesk.accounts import checks  # noqa: F401 - registers the deploy checks
