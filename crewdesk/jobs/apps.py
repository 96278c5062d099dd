from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "crewdesk.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from crewdesk.clients.merging import MERGE_PREPARERS
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.uploads import STORED_FILE_MODELS
        from crewdesk.jobs.models import JobAttachment
        from crewdesk.jobs.services import client_history_blockers, merge_prepare

        HISTORY_CHECKS.append(client_history_blockers)
        MERGE_PREPARERS.append(merge_prepare)
        STORED_FILE_MODELS.append(JobAttachment)
