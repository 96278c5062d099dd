"""Sentences for activity-log entries, shown on timelines.

Each app writes the sentences of its verbs next to them, in its events.py (`SENTENCES`), and
registers them in its AppConfig.ready(); this module only looks them up. An entry whose verb
has no sentence (an app since removed) shows its verb.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from crewdesk.core.formats import format_money
from crewdesk.core.models import Activity

SENTENCES: dict[str, str | Promise] = {}
# Entry data kept as plain decimal strings ("120.00") and shown as money ("$120.00") in the
# viewer's locale and the entry's currency (else the company's).
MONEY_KEYS = frozenset({"amount", "total", "refund", "applied", "credited"})


def register_sentences(sentences: dict[str, str | Promise]) -> None:
    """Add an app's sentences. A verb is one app's: another sentence for it is a mistake."""
    taken = {
        verb for verb in SENTENCES.keys() & sentences.keys() if SENTENCES[verb] != sentences[verb]
    }
    if taken:
        raise ImproperlyConfigured(f"activity verbs with a sentence already: {sorted(taken)}")
    SENTENCES.update(sentences)


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def activity_sentence(activity: Activity) -> str:
    sentence = SENTENCES.get(activity.verb)
    if sentence is None:
        return activity.verb
    data = activity.data
    return str(sentence) % _Defaulting(
        {
            key: format_money(value, data.get("currency")) if key in MONEY_KEYS else value
            for key, value in data.items()
            if isinstance(value, str | int)
        }
    )
