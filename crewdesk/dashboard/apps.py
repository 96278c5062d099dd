from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The office home, on the top floor: its panels come from the apps (core.panels)."""

    name = "crewdesk.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.permissions import Action

        register_nav_items(
            NavItem(_("Home"), "dashboard:home", Action.VIEW_OFFICE_APP, "house", order=10),
        )
