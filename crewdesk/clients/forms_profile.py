"""Forms of the client profile: contacts, tags, reminders, notices and notes. They only parse
what was typed; the services decide what is allowed and raise ValidationError for the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crewdesk.clients.models import ContactRole, NoteVisibility


class ContactForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices, initial="other")
    # Checked by the service with the phone and the name, so every error shows at once.
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class TagForm(forms.Form):
    name = forms.CharField(
        label=_("Add a tag"),
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "list": "tag-suggestions",
                "autocomplete": "off",
                "placeholder": _("Add a tag…"),
                "enterkeyhint": "done",
            }
        ),
        error_messages={"required": _("Type the tag's name.")},
    )


class ReminderForm(forms.Form):
    text = forms.CharField(
        label=_("Reminder"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("Call about the spring cleaning")}),
        error_messages={"required": _("Say what to do.")},
    )
    due_on = forms.DateField(
        label=_("Due"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Pick a date."), "invalid": _("Enter a valid date.")},
    )
    assignee = forms.TypedChoiceField(
        label=_("For"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("due_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = staff


class NoticeForm(forms.Form):
    text = forms.CharField(
        label=_("Notice"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pinned at the top of this profile for everyone in the office."),
        error_messages={"required": _("Write the notice.")},
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files from one <input type=file multiple>, as a list (how many one note
    may have, and what they may be, is the upload check's to say: crewdesk/core/uploads.py)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


NOTE_FILE_TYPES = "application/pdf,image/jpeg,image/png,image/webp"


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-submit-on-ctrl-enter": ""}),
        help_text=_("Ctrl+Enter saves the note."),
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it"), choices=NoteVisibility.choices, initial=NoteVisibility.INTERNAL
    )
    files = MultipleFileField(
        label=_("Attach files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": NOTE_FILE_TYPES}),
        help_text=_("PDF files, or JPEG, PNG or WebP pictures."),
    )
