"""The crew's small forms: a photo with its kind, and a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crewdesk.core.forms import model_field
from crewdesk.jobs.models import AttachmentKind, JobAttachment, JobNote

PHOTO_KINDS = [
    (AttachmentKind.BEFORE, AttachmentKind.BEFORE.label),
    (AttachmentKind.AFTER, AttachmentKind.AFTER.label),
    (AttachmentKind.DAMAGE, AttachmentKind.DAMAGE.label),
]


class CrewPhotoForm(forms.Form):
    # The form asks, and of the model's kinds offers those a photo can be.
    kind = model_field(JobAttachment, "kind", label=_("What the photo shows"), choices=PHOTO_KINDS)
    photo = forms.FileField(
        label=_("Photo"),
        error_messages={"required": _("Take or choose a photo first.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class CrewNoteForm(forms.Form):
    # The model's text has no limit; a note's is the service's (jobs.services).
    text = model_field(
        JobNote,
        "text",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )
