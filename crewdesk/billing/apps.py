from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "crewdesk.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from crewdesk.billing.events import SENTENCES
        from crewdesk.core.activity_text import register_sentences

        register_sentences(SENTENCES)
