from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crewdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from crewdesk.accounts import checks  # noqa: F401 - registers the deploy checks
        from crewdesk.accounts.cleanup import accounts_cleanup
        from crewdesk.core.cleanup import CLEANUPS

        CLEANUPS.append(accounts_cleanup)
