"""Forms of the client profile: contacts, tags, reminders, notices and notes. They only parse
what was typed; the services decide what is allowed and raise ValidationError for the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crewdesk.clients.models import Contact, Note, Notice, Reminder, Tag
from crewdesk.core.forms import model_field


class ContactForm(forms.Form):
    first_name = model_field(
        Contact, "first_name", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = model_field(
        Contact, "last_name", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    role = model_field(Contact, "role")
    # Text, not an EmailField: checked by the service with the phone and the name, so every
    # error shows at once.
    email = model_field(
        Contact,
        "email",
        form_class=forms.CharField,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = model_field(
        Contact, "phone", widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"})
    )


class TagForm(forms.Form):
    name = model_field(
        Tag,
        "name",
        label=_("Add a tag"),  # the form asks
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
    text = model_field(
        Reminder,
        "text",
        widget=forms.TextInput(attrs={"placeholder": _("Call about the spring cleaning")}),
        error_messages={"required": _("Say what to do.")},
    )
    due_on = model_field(
        Reminder,
        "due_on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Pick a date."), "invalid": _("Enter a valid date.")},
    )
    assignee = model_field(
        Reminder, "assignee", form_class=forms.TypedChoiceField, coerce=int, empty_value=None
    )

    def __init__(self, *args, staff: list[tuple[int, str]], **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("due_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = staff


class NoticeForm(forms.Form):
    text = model_field(
        Notice,
        "text",
        widget=forms.Textarea(attrs={"rows": 2}),
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
    # The form asks; a note may be only files.
    text = model_field(
        Note,
        "text",
        label=_("New note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-submit-on-ctrl-enter": ""}),
        help_text=_("Ctrl+Enter saves the note."),
    )
    visibility = model_field(Note, "visibility", label=_("Who sees it"))  # the form asks
    files = MultipleFileField(
        label=_("Attach files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": NOTE_FILE_TYPES}),
        help_text=_("PDF files, or JPEG, PNG or WebP pictures."),
    )
