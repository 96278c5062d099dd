from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "crewdesk.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from crewdesk.billing.services import VOID_BLOCKERS, VOID_HANDLERS
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.uploads import STORED_FILE_MODELS
        from crewdesk.payments.events import SENTENCES
        from crewdesk.payments.models import PaymentProof
        from crewdesk.payments.services import (
            client_history_blockers,
            invoice_void_blocker,
            invoice_void_handler,
        )

        register_sentences(SENTENCES)
        # ready() may run more than once (tests that reload apps): register each hook once.
        for hooks, hook in (
            (VOID_BLOCKERS, invoice_void_blocker),
            (VOID_HANDLERS, invoice_void_handler),
            (HISTORY_CHECKS, client_history_blockers),
            (STORED_FILE_MODELS, PaymentProof),
        ):
            if hook not in hooks:
                hooks.append(hook)
        _register_online_payments()
        _register_documents()


def _register_online_payments() -> None:
    """Stripe (online.py, webhooks.py): the public page's Pay button, refunds given back
    through Stripe, the webhook's activity sentences, the receipt of a payment it completes,
    and pruning its old events and quotes."""
    from crewdesk.billing.documents import PUBLIC_PAY_ACTIONS
    from crewdesk.core.activity_text import register_sentences
    from crewdesk.core.cleanup import CLEANUPS
    from crewdesk.payments.online import pay_action, refund_through_stripe
    from crewdesk.payments.receipts import receipt_email
    from crewdesk.payments.services import REFUND_PROVIDERS
    from crewdesk.payments.webhooks import ONLINE_PAYMENT_COMPLETED, SENTENCES, stripe_cleanup

    register_sentences(SENTENCES)
    for hooks, hook in (
        (PUBLIC_PAY_ACTIONS, pay_action),
        (REFUND_PROVIDERS, refund_through_stripe),
        (CLEANUPS, stripe_cleanup),
        (ONLINE_PAYMENT_COMPLETED, receipt_email),
    ):
        if hook not in hooks:
            hooks.append(hook)


def _register_documents() -> None:
    """The receipt's PDF an email attaches, the company's "how to pay" lines on every
    invoice and batch document (billing/documents.py PAYMENT_INSTRUCTIONS), and receipts'
    emails in the client's communication log."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from crewdesk.billing.documents import PAYMENT_INSTRUCTIONS
    from crewdesk.clients.communication import MessageRecords, register_message_records
    from crewdesk.notifications.attachments import register_attachment_renderer
    from crewdesk.payments import receipts
    from crewdesk.payments.models import Payment

    register_attachment_renderer(receipts.RECEIPT_PDF, receipts.receipt_pdf_attachment)
    if receipts.company_payment_instructions not in PAYMENT_INSTRUCTIONS:
        PAYMENT_INSTRUCTIONS.append(receipts.company_payment_instructions)
    # A receipt's email is in the client's communication log, linked to the receipt.
    register_message_records(
        MessageRecords(
            Payment,
            lambda client: Payment.objects.filter(client=client),
            lambda pk: reverse("payment_documents:receipt_pdf", args=[pk]),
            label=lambda payment: (
                _("Receipt %(number)s") % {"number": receipts.receipt_number(payment)}
            ),
        )
    )
