from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "crewdesk.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from crewdesk.billing.events import SENTENCES
        from crewdesk.core.activity_text import register_sentences

        register_sentences(SENTENCES)
        _register_documents()


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
