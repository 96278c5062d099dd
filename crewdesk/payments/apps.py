from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "crewdesk.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from crewdesk.billing.services import DEPOSIT_SETTLERS, VOID_BLOCKERS, VOID_HANDLERS
        from crewdesk.clients.services import HISTORY_CHECKS
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.core.uploads import STORED_FILE_MODELS
        from crewdesk.payments.events import SENTENCES
        from crewdesk.payments.models import PaymentProof
        from crewdesk.payments.services import (
            client_history_blockers,
            deposit_credit_apply,
            invoice_void_blocker,
            invoice_void_handler,
        )

        register_sentences(SENTENCES)
        # ready() may run more than once (tests that reload apps): register each hook once.
        for hooks, hook in (
            (VOID_BLOCKERS, invoice_void_blocker),
            (VOID_HANDLERS, invoice_void_handler),
            (DEPOSIT_SETTLERS, deposit_credit_apply),
            (HISTORY_CHECKS, client_history_blockers),
            (STORED_FILE_MODELS, PaymentProof),
        ):
            if hook not in hooks:
                hooks.append(hook)
        _register_online_payments()
        _register_documents()
        _register_pages()


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


def _register_pages() -> None:
    """Payments' entries in the menu and its parts of the home, client and invoice pages, and
    the payments an invoice's document lists. Only the office sees any of it
    (Action.MANAGE_BILLING): no employee, no customer."""
    from django.utils.translation import gettext_lazy as _

    from crewdesk.billing.display import INVOICE_PANELS
    from crewdesk.billing.documents import INVOICE_PAYMENTS
    from crewdesk.clients.profile_tabs import PROFILE_PANELS, ProfileTab, register_profile_tabs
    from crewdesk.core.navigation import NavItem, register_nav_items
    from crewdesk.core.panels import HOME_PANELS, Panel
    from crewdesk.core.permissions import Action
    from crewdesk.payments import panels

    billing = Action.MANAGE_BILLING
    register_nav_items(
        NavItem(
            _("Payments"),
            "payments:list",
            billing,
            "cash-coin",
            order=35,
            badge_url_name="payments:approvals_badge",
        ),
    )
    HOME_PANELS.register(
        Panel(
            "payments_to_approve",
            "payments/_home_approvals.html",
            panels.home_approvals,
            order=15,
            slot="top",
            action=billing,
        ),
    )
    register_profile_tabs(
        ProfileTab(
            "payments",
            _("Payments"),
            "cash-coin",
            "payments/_client_payments.html",
            panels.client_payments_tab,
            order=35,
            show_label=_("Show the payments"),
            action=billing,
        ),
    )
    PROFILE_PANELS.register(
        Panel(
            "balance",
            "payments/_client_header.html",
            panels.client_header,
            order=10,
            slot="header",
            action=billing,
        ),
    )
    INVOICE_PANELS.register(
        Panel(
            "record_payment",
            "payments/_invoice_record_button.html",
            panels.invoice_record_button,
            order=10,
            slot="actions",
            action=billing,
        ),
        Panel(
            "payments",
            "payments/_invoice_payments.html",
            panels.invoice_payments_panel,
            order=10,
            slot="side",
            action=billing,
        ),
    )
    if panels.applied_payments not in INVOICE_PAYMENTS:
        INVOICE_PAYMENTS.append(panels.applied_payments)
