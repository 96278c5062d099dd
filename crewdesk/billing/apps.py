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
        _register_pages()
        _register_documents()
        _register_messages()


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


def _register_pages() -> None:
    """Billing's entries in the menu and its parts of the home, client, job and property
    pages. Only the office sees any of it (Action.MANAGE_BILLING): no employee, no customer."""
    from django.utils.translation import gettext_lazy as _

    from crewdesk.billing import panels
    from crewdesk.clients.profile_tabs import ProfileTab, register_profile_tabs
    from crewdesk.core.navigation import NavItem, register_nav_items
    from crewdesk.core.panels import HOME_PANELS, Panel
    from crewdesk.core.permissions import Action
    from crewdesk.jobs.display import JOB_PANELS
    from crewdesk.properties.display import PROPERTY_PANELS

    billing = Action.MANAGE_BILLING
    register_nav_items(
        NavItem(_("Invoices"), "billing:invoice_list", billing, "receipt", order=33),
        NavItem(_("Ready to invoice"), "billing:ready", billing, "clipboard-check", order=34),
    )
    HOME_PANELS.register(
        Panel(
            "money_owed",
            "billing/_home_money.html",
            panels.home_money,
            order=20,
            slot="top",
            action=billing,
        ),
    )
    register_profile_tabs(
        ProfileTab(
            "invoices",
            _("Invoices"),
            "receipt",
            "billing/_client_invoices.html",
            panels.client_invoices_tab,
            order=33,
            show_label=_("Show the invoices"),
            action=billing,
            badge=panels.client_unpaid_count,
        ),
        ProfileTab(
            "batches",
            _("Batches"),
            "collection",
            "billing/_client_batches.html",
            panels.client_batches_tab,
            order=34,
            show_label=_("Show the batch invoices"),
            action=billing,
        ),
    )
    JOB_PANELS.register(
        Panel(
            "invoicing",
            "billing/_job_invoicing.html",
            panels.job_invoicing,
            order=10,
            slot="main",
            action=billing,
        ),
    )
    PROPERTY_PANELS.register(
        Panel(
            "invoices",
            "billing/_property_invoices.html",
            panels.property_invoices,
            order=20,
            slot="side",
            action=billing,
        ),
    )


def _register_documents() -> None:
    """The PDFs an email attaches, made when it is delivered (billing/sending.py), and the
    cleanup of big batches' PDFs made in the background."""
    from crewdesk.billing import documents, sending
    from crewdesk.core.cleanup import CLEANUPS
    from crewdesk.notifications.attachments import register_attachment_renderer

    register_attachment_renderer(sending.INVOICE_PDF, sending.invoice_pdf_attachment)
    register_attachment_renderer(sending.BATCH_PDF, sending.batch_pdf_attachment)
    if documents.batch_pdfs_cleanup not in CLEANUPS:
        CLEANUPS.append(documents.batch_pdfs_cleanup)


def _register_messages() -> None:
    """Emails about a client's invoices and batches belong to its communication log."""
    from django.urls import reverse

    from crewdesk.billing.models import BatchInvoice, Invoice
    from crewdesk.clients.communication import MessageRecords, register_message_records

    register_message_records(
        MessageRecords(
            Invoice,
            lambda client: Invoice.objects.filter(client=client),
            lambda pk: reverse("billing:invoice_detail", args=[pk]),
        ),
        MessageRecords(
            BatchInvoice,
            lambda client: BatchInvoice.objects.filter(client=client),
            lambda pk: reverse("billing:batch_detail", args=[pk]),
            label=lambda batch: batch.number,
        ),
    )
