"""The crew's small forms: a photo with its kind, and a note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from crewdesk.jobs.models import AttachmentKind

PHOTO_KINDS = [
    (AttachmentKind.BEFORE, AttachmentKind.BEFORE.label),
    (AttachmentKind.AFTER, AttachmentKind.AFTER.label),
    (AttachmentKind.DAMAGE, AttachmentKind.DAMAGE.label),
]


class CrewPhotoForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the photo shows"), choices=PHOTO_KINDS)
    photo = forms.FileField(
        label=_("Photo"),
        error_messages={"required": _("Take or choose a photo first.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class CrewNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )
