from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "crewdesk.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from crewdesk.billing.events import SENTENCES
        from crewdesk.core.activity_text import register_sentences

        register_sentences(SENTENCES)
        _lock_billed_jobs()
        _keep_clients_with_invoices()


def _lock_billed_jobs() -> None:
    from crewdesk.billing.services import job_billing_lock_reason
    from crewdesk.jobs.services import BILLED_JOB_LOCKS

    if job_billing_lock_reason not in BILLED_JOB_LOCKS:
        BILLED_JOB_LOCKS.append(job_billing_lock_reason)


def _keep_clients_with_invoices() -> None:
    from crewdesk.billing.services import client_history_blockers
    from crewdesk.clients.services import HISTORY_CHECKS

    if client_history_blockers not in HISTORY_CHECKS:
        HISTORY_CHECKS.append(client_history_blockers)
