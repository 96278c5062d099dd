"""The office's payments forms: the list's filters, recording a payment (with how it is
spread over the client's open invoices), and the payment page's actions (apply credit,
refund, reverse, approve, reject).

Forms only parse what was typed; payments.services decides, and its ValidationErrors come
back onto the fields here (`allocations` onto the invoice rows)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from crewdesk.billing.forms import FilterValues, _id_field
from crewdesk.core.forms import model_field
from crewdesk.payments.filters import STATUS_GROUPS
from crewdesk.payments.models import Payment, PaymentMethod, PaymentStatus, Refund

STATUS_CHOICES = [("", _("Any status")), *STATUS_GROUPS, *PaymentStatus.choices]
METHOD_CHOICES = [("", _("Any method")), *PaymentMethod.choices]
# How the office says a payment came: card and ACH here are taken elsewhere (a terminal, the
# bank), so named so.
RECORD_METHODS = [
    (PaymentMethod.CASH, _("Cash")),
    (PaymentMethod.CHECK, _("Check")),
    (PaymentMethod.BANK_TRANSFER, _("Bank transfer")),
    (PaymentMethod.ZELLE, _("Zelle")),
    (PaymentMethod.CARD, _("Card (taken elsewhere)")),
    (PaymentMethod.ACH, _("ACH (taken elsewhere)")),
]
ALLOCATION_PREFIX = "apply_"  # apply_<invoice id>: the amount put on that invoice
MAX_ALLOCATION_ROWS = 200


class PaymentFilterForm(FilterValues, forms.Form):
    """The payments list's search box and filters (payments/filters.py)."""

    q = forms.CharField(label=_("Search payments"), required=False, max_length=200)
    status = model_field(Payment, "status", choices=STATUS_CHOICES, required=False, initial=None)
    method = model_field(Payment, "method", choices=METHOD_CHOICES, required=False, initial=None)
    client = _id_field()
    date_from = forms.DateField(label=_("Received from"), required=False)
    date_to = forms.DateField(label=_("Received to"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError, AttributeError):
        return None
    return number if number.is_finite() else None


class AllocationRows:
    """The invoice rows of a form: one amount box per invoice (`apply_<id>`), an empty box
    or 0 meaning "nothing on it". The services check every amount against the balances."""

    def allocation_values(self) -> dict[int, str]:
        """{invoice id: what was typed}, as sent."""
        values = {}
        for key in list(self.data)[: MAX_ALLOCATION_ROWS * 4]:
            suffix = key.removeprefix(ALLOCATION_PREFIX)
            if key.startswith(ALLOCATION_PREFIX) and suffix.isdigit() and len(suffix) < 12:
                value = self.data.get(key)
                values[int(suffix)] = value.strip()[:20] if isinstance(value, str) else ""
        return dict(list(values.items())[:MAX_ALLOCATION_ROWS])

    def clean_allocations(self) -> list[dict]:
        wanted = []
        for invoice_id, value in self.allocation_values().items():
            if not value:
                continue
            number = _decimal(value)
            if number is None or number < 0:
                self.add_error(None, _("Enter amounts to apply such as 120.00."))
                return []
            if number:
                wanted.append({"invoice": invoice_id, "amount": number})
        return wanted

    def allocations(self) -> list[dict]:
        return self._allocations

    def clean(self):
        data = super().clean()
        self._allocations = self.clean_allocations()
        return data


class PaymentRecordForm(AllocationRows, forms.Form):
    """A payment the office took: who paid, how, how much, when, its reference and proof;
    and what of it goes to which open invoice (the rest is the client's credit)."""

    client = model_field(Payment, "client", form_class=forms.IntegerField, widget=forms.HiddenInput)
    method = model_field(Payment, "method", choices=RECORD_METHODS, initial=PaymentMethod.CHECK)
    amount = model_field(
        Payment, "amount", widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})
    )
    reference = model_field(Payment, "reference")
    received_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    proof = forms.FileField(
        label=_("Proof of payment"),
        required=False,
        help_text=_("A photo of the check, a screenshot or the bank's PDF (optional)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ApplyCreditForm(AllocationRows, forms.Form):
    """A payment's unapplied credit put on the client's open invoices."""


class RefundForm(forms.Form):
    """Give back part or all of a payment; optionally from the invoices named, in order."""

    amount = model_field(
        Refund, "amount", widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})
    )
    reason = model_field(Refund, "reason")
    invoices = forms.TypedMultipleChoiceField(
        label=_("Take it back from these invoices"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the unapplied credit first, then the newest invoice back."),
    )

    def __init__(self, *args, invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoices"].choices = [(i.pk, str(i)) for i in invoices]


class ReverseForm(forms.Form):
    """A bounced check: the money never came."""

    failure_reason = model_field(Payment, "failure_reason", initial=_("Check bounced"))


class RejectForm(forms.Form):
    """A customer's report the office could not match: the reason is emailed to them."""

    rejection_reason = model_field(Payment, "rejection_reason", required=True)
