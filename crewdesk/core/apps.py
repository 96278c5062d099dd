from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "crewdesk.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.events import SENTENCES
        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.permissions import Action

        register_sentences(SENTENCES)
        register_nav_items(
            NavItem(
                _("Activity"), "core:activity", Action.VIEW_ACTIVITY, "clock-history", order=80
            ),
            NavItem(
                _("Company"),
                "core:company_settings",
                Action.MANAGE_COMPANY,
                "building-gear",
                order=100,
            ),
        )
