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
        _register_pages()


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
