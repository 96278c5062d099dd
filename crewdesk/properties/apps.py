from django.apps import AppConfig


class PropertiesConfig(AppConfig):
    name = "crewdesk.properties"
    label = "properties"
    verbose_name = "Properties"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.clients.profile_tabs import ProfileTab, register_profile_tabs
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.permissions import Action
        from crewdesk.properties.events import SENTENCES
        from crewdesk.properties.panels import client_properties_tab
        from crewdesk.properties.services import client_history_blockers

        HISTORY_CHECKS.append(client_history_blockers)
        register_sentences(SENTENCES)
        register_nav_items(
            NavItem(_("Services"), "properties:catalog", Action.VIEW_RECORDS, "tags", order=50),
        )
        register_profile_tabs(
            ProfileTab(
                "properties",
                _("Properties"),
                "house",
                "properties/_client_properties.html",
                client_properties_tab,
                order=20,
                show_label=_("Show the properties"),
            ),
        )
