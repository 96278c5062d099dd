"""Files attached to an email, made when the email is delivered.

A message names its attachments (a renderer's key and a record's id, kept on
`Message.attachments`), never their bytes: the log stays small, and the file is made by the
background task that delivers the email (a PDF can take a while). Higher apps register their
renderers in their AppConfig.ready() (billing: an invoice's and a batch's PDF); notifications
imports none of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


# key -> renderer(*, object_id) -> Attachment
ATTACHMENT_RENDERERS: dict[str, Callable[..., Attachment]] = {}


class AttachmentUnavailable(Exception):
    """A renderer is unknown, or its record is gone: the email is not sent without it."""


def register_attachment_renderer(key: str, renderer: Callable[..., Attachment]) -> None:
    known = ATTACHMENT_RENDERERS.get(key)
    if known is not None and known is not renderer:
        raise ImproperlyConfigured(f"two attachment renderers named {key!r}")
    ATTACHMENT_RENDERERS[key] = renderer


def attachment_ref(key: str, object_id: int) -> dict:
    """What a message keeps of an attachment: which renderer, for which record."""
    if key not in ATTACHMENT_RENDERERS:
        raise ImproperlyConfigured(f"no attachment renderer named {key!r}")
    return {"renderer": key, "id": int(object_id)}


def attachments_render(refs: Iterable[dict]) -> list[Attachment]:
    made = []
    for ref in refs:
        renderer = ATTACHMENT_RENDERERS.get(ref.get("renderer", ""))
        if renderer is None:
            raise AttachmentUnavailable(f"no attachment renderer named {ref.get('renderer')!r}")
        made.append(renderer(object_id=ref["id"]))
    return made
