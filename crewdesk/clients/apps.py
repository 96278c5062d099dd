from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "crewdesk.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.clients.events import SENTENCES
        from crewdesk.clients.models import NoteFile
        from crewdesk.clients.panels import home_due_reminders
        from crewdesk.clients.profile_tabs import register_profile_tabs
        from crewdesk.clients.views.profile import CLIENT_TABS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.panels import HOME_PANELS, Panel
        from crewdesk.core.permissions import Action
        from crewdesk.core.uploads import STORED_FILE_MODELS

        STORED_FILE_MODELS.append(NoteFile)
        register_sentences(SENTENCES)
        register_nav_items(
            NavItem(
                _("Clients"), "clients:list", Action.VIEW_RECORDS, "person-lines-fill", order=40
            ),
        )
        register_profile_tabs(*CLIENT_TABS, _messages_tab())
        HOME_PANELS.register(
            Panel(
                "due_reminders",
                "clients/_home_due_reminders.html",
                home_due_reminders,
                order=10,
                slot="side",
            ),
        )


def _messages_tab():
    """The communication log (notifications' Message log) as a profile tab. Clients sits
    above notifications, so the tab is clients': notifications knows no client."""
    from django.utils.translation import gettext_lazy as _

    from crewdesk.clients.communication import messages_tab
    from crewdesk.clients.profile_tabs import ProfileTab
    from crewdesk.core.permissions import Action

    return ProfileTab(
        "messages",
        _("Messages"),
        "envelope",
        "clients/_profile_messages.html",
        messages_tab,
        order=45,
        show_label=_("Show the emails sent"),
        action=Action.VIEW_ACTIVITY,
    )
