"""The office's billing forms: the invoices list's filters, an invoice by hand (new and edit:
lines typed, lines removed, a discount as an amount or a percent, the message), voiding, and
the ready-to-invoice filters.

Forms only parse and keep what was typed; billing.services decides, and its
ValidationErrors come back onto the fields here (`lines` onto the line rows)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crewdesk.billing.filters import STATUS_GROUPS
from crewdesk.billing.models import BatchInvoice, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from crewdesk.billing.sending import MAX_MESSAGE
from crewdesk.billing.services import MAX_LINES, LineInput
from crewdesk.core.forms import model_field
from crewdesk.core.records import MAX_ID, parse_id
from crewdesk.notifications.models import Message

BLANK_LINE_ROWS = 3  # rows for lines without JavaScript (billing.js adds more)
STATUS_CHOICES = [("", _("Any status")), *STATUS_GROUPS, *InvoiceStatus.choices]
OVERDUE_CHOICES = [("", _("Due or not")), ("1", _("Overdue only"))]


class DiscountKind:
    AMOUNT = "amount"
    PERCENT = "percent"


DISCOUNT_KINDS = [(DiscountKind.AMOUNT, _("Amount")), (DiscountKind.PERCENT, _("Percent"))]


def _id_field() -> forms.IntegerField:
    # A number no database key can hold is "not a filter", not an overflow.
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class FilterValues:
    """A filter form's values: a value the form refuses counts as not given (a link may
    carry anything)."""

    def value(self, name: str, default=None):
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "", []) else value


class InvoiceFilterForm(FilterValues, forms.Form):
    """The invoices list's search box and filters (billing/filters.py), from the query string;
    the batch form filters a client's open invoices with it too."""

    q = forms.CharField(label=_("Search invoices"), required=False, max_length=200)
    # Any status unless one is asked for: not the model's default.
    status = model_field(Invoice, "status", choices=STATUS_CHOICES, required=False, initial=None)
    client = _id_field()
    property = _id_field()
    date_from = forms.DateField(label=_("Issued from"), required=False)
    date_to = forms.DateField(label=_("Issued to"), required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=OVERDUE_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)


class ReadyFilterForm(FilterValues, forms.Form):
    """The ready-to-invoice page's filters: a client, a property."""

    client = _id_field()
    property = _id_field()
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)


def _rows_posted(data: QueryDict | None, prefix: str, limit: int) -> int:
    """How many numbered rows (`prefix<n>`) a form sent, at most `limit`."""
    rows = 0
    for key in data or ():
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            rows = max(rows, int(key[len(prefix) :]) + 1)
    return min(rows, limit)


# The line rows' cells: each checked as a text field would be (length, no NUL byte).
LINE_CELLS = {
    "description": forms.CharField(
        required=False, max_length=InvoiceLine._meta.get_field("description").max_length
    ),
    "quantity": forms.CharField(required=False, max_length=20),
    "unit_price": forms.CharField(required=False, max_length=20),
}


class InvoiceLinesForm(forms.Form):
    """What the office types on an invoice: lines by hand (numbered rows `line_<cell>_<n>`),
    the discount (an amount or a percent of the subtotal) and the message printed on it."""

    discount_kind = forms.ChoiceField(
        label=_("Discount as"), choices=DISCOUNT_KINDS, initial=DiscountKind.AMOUNT
    )
    discount_value = forms.CharField(
        label=capfirst(Invoice._meta.get_field("discount").verbose_name),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    customer_message = model_field(
        Invoice, "customer_message", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, initial=None, min_rows: int = BLANK_LINE_ROWS, **kwargs):
        super().__init__(data, initial=initial, **kwargs)
        self.line_count = max(
            _rows_posted(data, "line_description_", MAX_LINES),
            _rows_posted(data, "line_unit_price_", MAX_LINES),
            min_rows,
        )
        self.line_errors: list[str] = []

    def line_rows(self) -> list[dict]:
        rows = []
        for n in range(self.line_count):
            if self.is_bound:
                row = {key: self.data.get(f"line_{key}_{n}", "") for key in LINE_CELLS}
                row = {
                    key: value.strip() if isinstance(value, str) else ""
                    for key, value in row.items()
                }
                row["taxable"] = bool(self.data.get(f"line_taxable_{n}"))
            else:
                row = {"description": "", "quantity": "1", "unit_price": "", "taxable": True}
            row["n"] = n
            rows.append(row)
        return rows

    def filled_lines(self) -> list[dict]:
        return [row for row in self.line_rows() if row["description"] or row["unit_price"]]

    def clean(self):
        """What the form alone can tell, every row together (the services check it again)."""
        data = super().clean()
        for row in self.filled_lines():
            n = row["n"] + 1
            for key, cell in LINE_CELLS.items():
                try:
                    cell.clean(row[key])
                except forms.ValidationError as error:
                    self.line_errors.append(
                        _("Line %(n)s: %(error)s") % {"n": n, "error": " ".join(error.messages)}
                    )
            if not row["description"]:
                self.line_errors.append(_("Line %(n)s: describe it.") % {"n": n})
            if not row["unit_price"]:
                self.line_errors.append(_("Line %(n)s: give its price.") % {"n": n})
            for key, label in (("quantity", _("quantity")), ("unit_price", _("unit price"))):
                if row[key] and _number(row[key]) is None:
                    self.line_errors.append(
                        _("Line %(n)s: enter a number such as 1 or 120.00 as the %(what)s.")
                        % {"n": n, "what": label}
                    )
        value = data.get("discount_value") or ""
        if value and _number(value) is None:
            self.add_error("discount_value", _("Enter a number such as 10 or 12.50."))
        return data

    def is_valid(self) -> bool:
        return super().is_valid() and not self.line_errors

    def lines(self) -> list[LineInput]:
        return [
            LineInput(
                description=row["description"],
                quantity=row["quantity"] or "1",
                unit_price=row["unit_price"],
                taxable=row["taxable"],
            )
            for row in self.filled_lines()
        ]

    def discount(self) -> tuple[str | None, str | None]:
        """(amount, percent) as the services take them: one of the two, the other None."""
        value = (self.cleaned_data.get("discount_value") or "").strip() or "0"
        if self.cleaned_data.get("discount_kind") == DiscountKind.PERCENT:
            return None, value
        return value, None


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


class InvoiceForm(InvoiceLinesForm):
    """A new invoice for a client, by hand: an invoice or a deposit (for one of the client's
    jobs to come), drafted or issued at once."""

    kind = model_field(Invoice, "kind", widget=forms.RadioSelect)
    deposit_for = model_field(
        Invoice,
        "deposit_for",
        form_class=forms.TypedChoiceField,
        required=False,
        coerce=int,
        empty_value=None,
    )
    issue = forms.BooleanField(label=_("Issue it now (it gets its number)"), required=False)

    def __init__(self, data=None, *, jobs=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["deposit_for"].choices = [
            ("", _("No job")),
            *[(job.pk, f"#{job.pk} {job}") for job in jobs],
        ]
        self.fields["kind"].choices = InvoiceKind.choices


class InvoiceEditForm(InvoiceLinesForm):
    """An invoice changed while nothing is paid on it: lines removed (`remove_line`, ids of
    its lines), lines added, the discount and the message."""

    def __init__(self, data=None, *, invoice: Invoice, **kwargs):
        initial = {
            "discount_kind": DiscountKind.PERCENT
            if invoice.discount_percent is not None
            else DiscountKind.AMOUNT,
            "discount_value": _plain(invoice.discount_percent)
            if invoice.discount_percent is not None
            else _plain(invoice.discount_requested),
            "customer_message": invoice.customer_message,
        }
        super().__init__(data, initial=initial, min_rows=1, **kwargs)
        self.invoice = invoice

    def removed_lines(self) -> list[int]:
        ids = (parse_id(value) for value in self.data.getlist("remove_line"))
        return [line_id for line_id in ids if line_id]

    def changes(self) -> dict:
        """What invoice_update is given: only what differs from the invoice as it is."""
        changes = {}
        discount, percent = self.discount()
        if percent is not None:
            if self.invoice.discount_percent is None or _number(percent) != _number(
                str(self.invoice.discount_percent)
            ):
                changes.update(discount=None, discount_percent=percent)
        elif self.invoice.discount_percent is not None or _number(discount) != _number(
            str(self.invoice.discount_requested)
        ):
            changes.update(discount=discount, discount_percent=None)
        message = self.cleaned_data.get("customer_message", "")
        if message.strip() != self.invoice.customer_message:
            changes["customer_message"] = message
        lines = self.lines()
        if lines:
            changes["lines"] = lines
        removed = self.removed_lines()
        if removed:
            changes["remove_lines"] = removed
        return changes


def _plain(value) -> str:
    """A stored number as a person would type it: 10 for 10.00, 12.5 for 12.50, "" for 0."""
    if value is None or value == 0:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class VoidForm(forms.Form):
    """Voiding an issued invoice: why (printed with the VOID mark, kept in the history)."""

    void_reason = model_field(Invoice, "void_reason", required=True)


class BatchForm(forms.Form):
    """A batch of a client's open invoices: the invoices chosen on the page."""

    invoices = model_field(
        BatchInvoice, "invoices", form_class=forms.TypedMultipleChoiceField, coerce=int
    )

    def __init__(self, data=None, *, invoices=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["invoices"].choices = [(invoice.pk, str(invoice)) for invoice in invoices]
        self.fields["invoices"].required = True
        self.fields["invoices"].error_messages["required"] = _("Choose at least one open invoice.")


class SendForm(forms.Form):
    """Emailing an invoice or a batch: to the client's address or a contact's
    (sending.client_recipients), with an optional note above the document."""

    to = model_field(Message, "to", choices=())
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, recipients=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["to"].choices = [
            (r.email, f"{r.name} <{r.email}>" if r.name else r.email) for r in recipients
        ]
