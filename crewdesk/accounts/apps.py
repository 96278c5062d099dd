from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crewdesk.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.accounts import checks  # noqa: F401 - registers the deploy checks
        from crewdesk.accounts.cleanup import accounts_cleanup
        from crewdesk.accounts.events import SENTENCES
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.cleanup import CLEANUPS
        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.permissions import Action

        CLEANUPS.append(accounts_cleanup)
        register_sentences(SENTENCES)
        register_nav_items(
            NavItem(_("Team"), "accounts:team", Action.VIEW_TEAM, "people", order=90),
        )
