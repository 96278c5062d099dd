from django.apps import AppConfig


class SampledataConfig(AppConfig):
    name = "crewdesk.sampledata"
    label = "sampledata"
    verbose_name = "Sample data"

    def ready(self) -> None:
        from crewdesk.core.activity_text import register_sentences
        from crewdesk.sampledata.events import SENTENCES

        register_sentences(SENTENCES)
