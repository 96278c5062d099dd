from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "crewdesk.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from crewdesk.clients.merging import MERGE_PREPARERS
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.navigation import NavItem, register_nav_items
        from crewdesk.core.panels import HOME_PANELS, Panel
        from crewdesk.core.permissions import Action
        from crewdesk.core.uploads import STORED_FILE_MODELS
        from crewdesk.jobs import panels
        from crewdesk.jobs.events import SENTENCES
        from crewdesk.jobs.models import JobAttachment
        from crewdesk.jobs.services import client_history_blockers, merge_prepare

        HISTORY_CHECKS.append(client_history_blockers)
        MERGE_PREPARERS.append(merge_prepare)
        STORED_FILE_MODELS.append(JobAttachment)
        register_sentences(SENTENCES)
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
