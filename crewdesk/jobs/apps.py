from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "crewdesk.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from crewdesk.clients.merging import MERGE_PREPARERS
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.uploads import STORED_FILE_MODELS
        from crewdesk.jobs.events import SENTENCES
        from crewdesk.jobs.models import JobAttachment
        from crewdesk.jobs.services import client_history_blockers, merge_prepare

        HISTORY_CHECKS.append(client_history_blockers)
        MERGE_PREPARERS.append(merge_prepare)
        STORED_FILE_MODELS.append(JobAttachment)
        register_sentences(SENTENCES)
        _register_pages()
        _follow_properties()


def _register_pages() -> None:
    """The jobs' entries in the menu and their parts of the home, property and client pages."""
    from django.utils.translation import gettext_lazy as _

    from crewdesk.clients.profile_tabs import ProfileTab, register_profile_tabs
    from crewdesk.core.navigation import NavItem, register_nav_items
    from crewdesk.core.panels import HOME_PANELS, Panel
    from crewdesk.core.permissions import Action
    from crewdesk.jobs import panels
    from crewdesk.properties.display import PROPERTY_PANELS

    register_nav_items(
        NavItem(_("Schedule"), "jobs:schedule", Action.VIEW_RECORDS, "calendar-week", order=20),
        NavItem(_("Jobs"), "jobs:list", Action.VIEW_RECORDS, "briefcase", order=30),
        NavItem(_("Checklists"), "jobs:checklists", Action.EDIT_RECORDS, "ui-checks", order=60),
        NavItem(_("My jobs"), "jobs:crew_home", Action.VIEW_JOBS, "phone", order=70),
    )
    HOME_PANELS.register(
        Panel(
            "todays_jobs",
            "jobs/_home_week.html",
            panels.home_week,
            order=10,
            slot="top",
            scripts=("vendor/chartjs/chart.umd.min.js", "crewdesk/home.js"),
        ),
    )
    PROPERTY_PANELS.register(
        Panel("jobs", "jobs/_property_jobs.html", panels.property_jobs, order=10, slot="main"),
        Panel("files", "jobs/_property_photos.html", panels.property_photos, order=10, slot="side"),
    )
    register_profile_tabs(
        ProfileTab(
            "jobs",
            _("Jobs"),
            "calendar-check",
            "jobs/_client_jobs.html",
            panels.client_jobs_tab,
            order=30,
            show_label=_("Show the jobs"),
        ),
    )


def _follow_properties() -> None:
    """Jobs not yet started follow their property to a new client; a repeating service makes,
    remakes and removes the jobs ahead."""
    from crewdesk.jobs import following, recurrence
    from crewdesk.properties.hooks import (
        PROPERTY_MOVE_HANDLERS,
        SERVICE_SCHEDULE_HANDLERS,
        PropertyMoveHandler,
        ServiceScheduleHandler,
    )

    handler = PropertyMoveHandler(
        data_key="jobs_moved",
        would_follow=following.jobs_that_would_follow,
        follow=following.jobs_follow_property,
        rule_text=following.rule_text,
        will_follow_text=following.will_follow_text,
        followed_text=following.followed_text,
    )
    if handler not in PROPERTY_MOVE_HANDLERS:
        PROPERTY_MOVE_HANDLERS.append(handler)
    schedule = ServiceScheduleHandler(
        started=recurrence.recurring_jobs_generate,
        changed=recurrence.recurring_jobs_regenerate,
        stopped=recurrence.recurring_jobs_remove_future,
    )
    if schedule not in SERVICE_SCHEDULE_HANDLERS:
        SERVICE_SCHEDULE_HANDLERS.append(schedule)
