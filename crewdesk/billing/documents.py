"""The invoice and batch documents: one set of templates for the office's page, the email, the
public link's page and the PDF (WeasyPrint).

    doc = invoice_document(invoice=invoice)           # what the document shows
    invoice_html(doc=doc, medium="page")               # its HTML (page, email or pdf)
    invoice_pdf(invoice=invoice)                        # the PDF's bytes

The office's invoice page shows the same document with
`<div class="doc-sheet">{% include "billing/document/invoice.html" with doc=doc %}</div>`
(`doc = invoice_document(invoice=...)`, then `invoice_html` or set `doc.logo_src` yourself)
and the stylesheets `crewdesk/document.css` and `crewdesk/document-screen.css` in its head.

Nothing here checks permission: callers pass an invoice they have found through a selector
(the office) or by its public token. Text typed by people is escaped by the templates
(autoescape), and the PDF renderer fetches nothing but our own static files and the brand's
logo (`DocumentFetcher`): a description holding `<img src="http://...">` is text, and even
markup that got through could reach nothing.

Payments sit above billing: what was paid on an invoice, how to pay and the Pay button come
from the registration points below, which the payments app fills in its AppConfig.ready().
"""

import base64
import hashlib
import io
import logging
import os
import posixpath
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from threading import Lock, local
from urllib.parse import unquote, urlsplit

from babel import numbers as babel_numbers
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from crewdesk.billing.models import (
    BatchInvoice,
    BatchItem,
    BatchPdf,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    RenderStatus,
)
from crewdesk.core import formats
from crewdesk.core.dates import company_zone
from crewdesk.core.models import Brand
from crewdesk.core.uploads import IMAGE_FORMATS, image_fits

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
DOCUMENT_CSS = "crewdesk/document.css"  # the PDF's; pages add document-screen.css
DOCUMENT_SCREEN_CSS = "crewdesk/document-screen.css"
# Countries whose paper is US Letter; everyone else prints on A4.
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "PR"})


# --- registration points (filled by the payments app) ----------------------------------------


@dataclass(frozen=True)
class AppliedPayment:
    """A payment as an invoice's document lists it."""

    received: object  # a date or datetime
    label: str  # "Check 1042", "Card ending 4242"
    amount: Decimal  # what of it went to this invoice
    fee: Decimal = ZERO  # a card fee paid with it: kept on the payment, never on the invoice


@dataclass(frozen=True)
class PayAction:
    """A button of the public page (payments: "Pay $120.00")."""

    label: str
    url: str


# (*, invoices) -> {invoice id: [AppliedPayment]}: the active allocations of completed
# payments. Without one, the document shows the invoice's amount paid as one line.
INVOICE_PAYMENTS: list[Callable[..., dict[int, list[AppliedPayment]]]] = []
# (*, company) -> lines of text: how to pay besides online ("Checks payable to ...").
PAYMENT_INSTRUCTIONS: list[Callable[..., list[str]]] = []
# (*, document, token) -> PayAction | None, with `document` an Invoice or a BatchInvoice with a
# balance: the public page shows a Pay button only when one answers. No registration, no button.
PUBLIC_PAY_ACTIONS: list[Callable[..., PayAction | None]] = []


# --- what a document shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocBrand:
    """Who the document is from: the client's brand, the company's default one, or the
    company's own name."""

    name: str
    address: list[str]
    email: str = ""
    phone: str = ""
    website: str = ""
    brand: Brand | None = None

    @property
    def logo(self) -> FieldFile | None:
        return self.brand.logo if self.brand is not None and self.brand.logo else None


@dataclass(frozen=True)
class DocJob:
    title: str
    date: object
    place: str


@dataclass(frozen=True)
class DocLine:
    description: str
    date: object
    place: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxable: bool


@dataclass
class InvoiceDocument:
    """Everything one invoice's document shows, read once."""

    invoice: Invoice
    brand: DocBrand
    bill_to: str
    bill_to_address: list[str]
    place: str  # the invoice's property, when its lines are at one
    place_address: str
    jobs: list[DocJob]
    lines: list[DocLine]
    show_line_places: bool
    payments: list[AppliedPayment]
    paid: Decimal
    fees: Decimal
    tax_label: str
    untaxed_lines: bool
    stamp: str
    stamp_kind: str
    public_url: str
    pay_online: bool
    instructions: list[str]
    currency: str
    # Set by the renderer for its medium: a data: URI (pages), the public link's (email) or
    # the PDF renderer's own URL.
    logo_src: str = ""
    medium: str = "page"

    @property
    def title(self) -> str:
        if self.invoice.kind == InvoiceKind.DEPOSIT:
            return str(_("Deposit invoice"))
        return str(_("Invoice"))

    @property
    def number(self) -> str:
        return self.invoice.number or str(_("Draft"))

    @property
    def owed(self) -> bool:
        return self.invoice.is_receivable

    @property
    def paid_up(self) -> bool:
        return self.invoice.status == InvoiceStatus.PAID


@dataclass
class BatchDocument:
    """A batch: its invoices, each as its own document, then the grand total."""

    batch: BatchInvoice
    brand: DocBrand
    bill_to: str
    bill_to_address: list[str]
    invoices: list[InvoiceDocument]
    total: Decimal
    paid: Decimal
    written_off: Decimal
    balance: Decimal
    stamp: str
    stamp_kind: str
    public_url: str
    pay_online: bool
    instructions: list[str]
    currency: str
    logo_src: str = ""
    medium: str = "page"

    @property
    def number(self) -> str:
        return self.batch.number

    @property
    def owed(self) -> bool:
        return self.balance > 0

    @property
    def paid_up(self) -> bool:
        return self.stamp_kind == "paid"


def document_brand(*, company, client) -> DocBrand:
    """The client's brand, else the company's default brand, else the company's name."""
    brand = None
    if client.brand_id:
        brand = Brand.objects.filter(pk=client.brand_id, company_id=company.pk).first()
    if brand is None:
        brand = Brand.objects.filter(company_id=company.pk, is_default=True).first()
    if brand is None:
        return DocBrand(name=company.name, address=[])
    return DocBrand(
        name=brand.name or company.name,
        address=address_lines(brand, home_country=company.country),
        email=brand.email,
        phone=brand.phone,
        website=brand.website,
        brand=brand,
    )


def address_lines(place, *, home_country: str = "") -> list[str]:
    """An address (DESIGN §4's fields) as the lines of an envelope; the country only when it
    is not the company's own."""
    city = " ".join(p for p in (place.region, place.postal_code) if p)
    city = ", ".join(p for p in (place.city, city) if p)
    lines = [place.street, place.street2, city]
    if place.country and place.country != home_country and any(lines):
        lines.append(formats.country_name(place.country))
    return [line for line in lines if line]


def public_url(token: str | None) -> str:
    if not token:
        return ""
    return settings.SITE_URL + reverse("public_documents:view", args=[token])


def _stamp(invoice: Invoice) -> tuple[str, str]:
    stamps = {
        InvoiceStatus.DRAFT: (_("Draft"), "draft"),
        InvoiceStatus.VOID: (_("Void"), "void"),
        InvoiceStatus.PAID: (_("Paid"), "paid"),
        InvoiceStatus.BAD_DEBT: (_("Bad debt"), "bad-debt"),
    }
    label, kind = stamps.get(invoice.status, ("", ""))
    return str(label), kind


def _percent(rate: Decimal) -> str:
    """8.875 → "8.875", 8.000 → "8", as the locale writes numbers."""
    rate = Decimal(rate).normalize()
    return babel_numbers.format_decimal(rate, format="#,##0.###", locale=formats.current_locale())


def _tax_label(invoice: Invoice) -> str:
    if invoice.tax_exempt:
        return str(_("Tax (exempt)"))
    return str(_("Tax (%(rate)s%%)") % {"rate": _percent(invoice.tax_rate)})


def applied_payments(invoices: Sequence[Invoice]) -> dict[int, list[AppliedPayment]]:
    """What was paid on each invoice, from the payments app; without it, the amount paid."""
    found: dict[int, list[AppliedPayment]] = {}
    for source in INVOICE_PAYMENTS:
        for invoice_id, payments in source(invoices=invoices).items():
            found.setdefault(invoice_id, []).extend(payments)
    if not INVOICE_PAYMENTS:
        for invoice in invoices:
            if invoice.amount_paid:
                found[invoice.pk] = [
                    AppliedPayment(None, str(_("Payments received")), invoice.amount_paid)
                ]
    return found


def payment_instructions(company) -> list[str]:
    """How to pay besides online, from the PAYMENT_INSTRUCTIONS sources."""
    return [line for source in PAYMENT_INSTRUCTIONS for line in source(company=company)]


def _pay_online(document, token: str | None) -> bool:
    if not token or not PUBLIC_PAY_ACTIONS:
        return False
    return any(action(document=document, token=token) for action in PUBLIC_PAY_ACTIONS)


def _lines_by_invoice(invoices: Sequence[Invoice]) -> dict[int, list[InvoiceLine]]:
    lines: dict[int, list[InvoiceLine]] = {invoice.pk: [] for invoice in invoices}
    rows = (
        InvoiceLine.objects.filter(invoice_id__in=list(lines))
        .select_related("job", "property")
        # Never on a document, and never read for one.
        .defer("job__internal_notes", "property__access_notes", "property__description")
        .order_by("invoice_id", "position", "id")
    )
    for line in rows:
        lines[line.invoice_id].append(line)
    return lines


def _invoice_document(
    invoice: Invoice,
    lines: list[InvoiceLine],
    payments: list[AppliedPayment],
    *,
    brand: DocBrand,
    instructions: list[str],
    in_batch: bool = False,
) -> InvoiceDocument:
    client = invoice.client
    home = invoice.company.country if invoice.company_id else ""
    places = {line.property_id for line in lines if line.property_id}
    jobs: dict[int, DocJob] = {}
    for line in lines:
        if line.job_id and line.job_id not in jobs:
            jobs[line.job_id] = DocJob(
                title=str(line.job),
                date=line.job.scheduled_date,
                place=line.property.label if line.property_id else "",
            )
    prop = invoice.property
    stamp, stamp_kind = _stamp(invoice)
    token = None if in_batch else invoice.public_token
    return InvoiceDocument(
        invoice=invoice,
        brand=brand,
        bill_to=client.invoice_name,
        bill_to_address=address_lines(client, home_country=home),
        place=prop.label if prop else "",
        place_address=prop.address_line if prop and prop.address_line != prop.label else "",
        jobs=sorted(jobs.values(), key=lambda job: (job.date, job.title)),
        lines=[
            DocLine(
                description=line.description,
                date=line.service_date,
                place=line.property.label if line.property_id else "",
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                taxable=line.taxable,
            )
            for line in lines
        ],
        show_line_places=len(places) > 1,
        payments=payments,
        paid=sum((p.amount for p in payments), ZERO),
        fees=sum((p.fee for p in payments), ZERO),
        tax_label=_tax_label(invoice),
        untaxed_lines=not invoice.tax_exempt
        and invoice.tax_rate > 0
        and any(not line.taxable for line in lines),
        stamp=stamp,
        stamp_kind=stamp_kind,
        public_url="" if in_batch else public_url(token),
        pay_online=False if in_batch else _pay_online(invoice, token) and invoice.balance > 0,
        instructions=instructions,
        currency=invoice.currency,
    )


def invoice_document(*, invoice: Invoice) -> InvoiceDocument:
    """What an invoice's document shows (one query for its lines, one for its payments)."""
    lines = _lines_by_invoice([invoice])[invoice.pk]
    payments = applied_payments([invoice]).get(invoice.pk, [])
    return _invoice_document(
        invoice,
        lines,
        payments,
        brand=document_brand(company=invoice.company, client=invoice.client),
        instructions=payment_instructions(invoice.company),
    )


def batch_invoice_list(*, batch: BatchInvoice) -> list[Invoice]:
    """The invoices still in a batch (a voided one has left it), oldest due first."""
    return list(
        Invoice.objects.filter(
            company_id=batch.company_id, batch_items__batch=batch, batch_items__active=True
        )
        .select_related("client", "property", "company")
        .defer("property__access_notes", "property__description", "client__notes")
        .order_by("due_date", "id")
    )


def batch_document(*, batch: BatchInvoice, invoices: list[Invoice] | None = None) -> BatchDocument:
    """A batch's document: each of its invoices, then the grand total."""
    if invoices is None:
        invoices = batch_invoice_list(batch=batch)
    company, client = batch.company, batch.client
    brand = document_brand(company=company, client=client)
    instructions = payment_instructions(company)
    lines = _lines_by_invoice(invoices)
    payments = applied_payments(invoices)
    documents = [
        _invoice_document(
            invoice,
            lines[invoice.pk],
            payments.get(invoice.pk, []),
            brand=brand,
            instructions=instructions,
            in_batch=True,
        )
        for invoice in invoices
    ]
    balance = sum((invoice.balance for invoice in invoices), ZERO)
    paid_all = bool(invoices) and balance == 0
    token = batch.public_token
    return BatchDocument(
        batch=batch,
        brand=brand,
        bill_to=client.invoice_name,
        bill_to_address=address_lines(client, home_country=company.country),
        invoices=documents,
        total=sum((invoice.total for invoice in invoices), ZERO),
        paid=sum((doc.paid for doc in documents), ZERO),
        written_off=sum((invoice.written_off for invoice in invoices), ZERO),
        balance=balance,
        stamp=str(_("Paid")) if paid_all else "",
        stamp_kind="paid" if paid_all else "",
        public_url=public_url(token),
        pay_online=balance > 0 and _pay_online(batch, token),
        instructions=instructions,
        currency=company.currency,
    )


# --- the locale of a document read outside the office --------------------------------------


@contextmanager
def document_locale(company, language: str | None = None) -> Iterator[None]:
    """Dates, money and words as the company writes them (in the client's language), for a
    document made outside a member's request: an email, a PDF task, the public page."""
    tokens = formats.activate(company)
    try:
        with timezone.override(company_zone(company)), translation.override(language or "en"):
            yield
    finally:
        formats.deactivate(tokens)


# --- the logo --------------------------------------------------------------------------------


# A logo is printed at most 60 mm wide: this many pixels are plenty, and keep a PDF quick.
class RecentBytes:
    """The last `size` results by key, shared by the threads of a process."""

    MISSING = object()

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes | None] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str):
        with self._lock:
            if key not in self._items:
                return self.MISSING
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: str, value: bytes | None) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


LOGO_BOX = (720, 240)
_logo_cache = RecentBytes(32)


def logo_png(logo: FieldFile | None) -> bytes | None:
    """The brand's logo, read from storage and made small, as PNG; None when there is none
    or it cannot be read. Kept per stored name (a new upload gets a new name)."""
    if not logo:
        return None
    name = logo.name
    cached = _logo_cache.get(name)
    if cached is not RecentBytes.MISSING:
        return cached
    try:
        with logo.open("rb") as source, Image.open(source, formats=list(IMAGE_FORMATS)) as image:
            if not image_fits(image):
                data = None
            else:
                image.draft("RGB", LOGO_BOX)
                image.thumbnail(LOGO_BOX)
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                image.save(out, "PNG")
                data = out.getvalue()
    except (FileNotFoundError, OSError, UnidentifiedImageError, ValueError):
        logger.warning("The logo %s could not be read", name)
        data = None
    _logo_cache.put(name, data)
    return data


def logo_data_uri(logo: FieldFile | None) -> str:
    data = logo_png(logo)
    return "data:image/png;base64," + base64.b64encode(data).decode() if data else ""


# --- HTML ------------------------------------------------------------------------------------

MEDIA = ("page", "email", "pdf")


def prepare_document(doc, medium: str) -> None:
    """Ready a document (anything with `brand`, `public_url`, `medium`, `logo_src`: an
    invoice's, a batch's, a payment's receipt) for its medium: where its logo comes from."""
    if medium not in MEDIA:
        raise ValueError(f"unknown medium {medium!r}")
    doc.medium = medium
    logo = doc.brand.logo
    if not logo:
        doc.logo_src = ""
    elif medium == "pdf":
        doc.logo_src = PDF_LOGO_PATH + str(doc.brand.brand.pk)
    elif medium == "email":
        doc.logo_src = doc.public_url + "logo" if doc.public_url else ""
    else:
        doc.logo_src = logo_data_uri(logo)


def invoice_html(*, doc: InvoiceDocument, medium: str = "page") -> str:
    """The invoice's document as HTML (a fragment; the page, email or PDF wraps it)."""
    prepare_document(doc, medium)
    return render_to_string("billing/document/invoice.html", {"doc": doc})


def batch_html(*, doc: BatchDocument, medium: str = "page") -> str:
    prepare_document(doc, medium)
    return render_to_string("billing/document/batch.html", {"doc": doc})


def document_css() -> str:
    """The documents' stylesheets, for an email (which links nothing)."""
    parts = []
    for name in (DOCUMENT_CSS, DOCUMENT_SCREEN_CSS):
        with open(_static_path(name), encoding="utf-8") as handle:
            parts.append(handle.read())
    return "\n".join(parts)


# --- PDF -------------------------------------------------------------------------------------

# WeasyPrint resolves every URL of a document against this base. The .invalid top-level
# domain never resolves (RFC 2606): nothing is ever fetched from it, DocumentFetcher answers.
PDF_HOST = "document.crewdesk.invalid"
PDF_BASE_URL = f"https://{PDF_HOST}/"
PDF_LOGO_PATH = "/logo/"
# What a document may load from our static files, by extension.
STATIC_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}
MAX_STATIC_BYTES = 2 * 1024 * 1024


class FetchRefused(ValueError):
    """A document asked for something that is neither our static file nor its logo."""


def _static_path(name: str) -> str:
    """The file on disk of a static file: collected (production) or found in the apps."""
    if staticfiles_storage.exists(name):
        try:
            return staticfiles_storage.path(name)
        except NotImplementedError:  # a remote storage: fall back to the finders
            pass
    found = finders.find(name)
    if not found:
        raise FetchRefused(f"no static file {name!r}")
    return found if isinstance(found, str) else found[0]


class DocumentFetcher(URLFetcher):
    """WeasyPrint's only way out of a document: our own static files (read from disk, never
    over the network) and the logos handed to it (read from storage). Any other URL — http(s)
    elsewhere, file:, data:, ftp:, a path outside the static files — is refused, and noted in
    `refused`."""

    def __init__(self, *, logos: dict[str, FieldFile] | None = None) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.logos = logos or {}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            body, content_type = self._read(url)
        except FetchRefused:
            self.refused.append(url)
            raise
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):  # noqa: ARG002 - urllib's signature
        return self.fetch(url if isinstance(url, str) else url.full_url)

    def _read(self, url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.netloc != PDF_HOST or parts.query:
            raise FetchRefused(url)
        path = unquote(parts.path)
        if "\\" in path or "\x00" in path or ".." in path.split("/"):
            raise FetchRefused(url)
        if path in self.logos:
            data = logo_png(self.logos[path])
            if data is None:
                raise FetchRefused(url)
            return data, "image/png"
        static_url = urlsplit(settings.STATIC_URL).path  # "/static/"
        if not path.startswith(static_url):
            raise FetchRefused(url)
        name = posixpath.normpath(path[len(static_url) :])
        extension = posixpath.splitext(name)[1].lower()
        if name.startswith(("/", ".")) or extension not in STATIC_TYPES:
            raise FetchRefused(url)
        with open(_static_path(name), "rb") as handle:
            data = handle.read(MAX_STATIC_BYTES + 1)
        if len(data) > MAX_STATIC_BYTES:
            raise FetchRefused(url)
        return data, STATIC_TYPES[extension]


def page_size(company) -> str:
    return "letter" if (company.country or "").upper() in LETTER_COUNTRIES else "A4"


def pdf_page(body: str, *, company, title: str, numbered: bool = True) -> str:
    """The page around a document. A batch is laid out in parts, whose page counts would
    each start at 1: its pages are not numbered (each invoice's number runs at the foot)."""
    return render_to_string(
        "billing/document/pdf.html",
        {"body": body, "title": title, "page_size": page_size(company), "numbered": numbered},
    )


def pdf_logos(doc) -> dict[str, FieldFile]:
    logo = doc.brand.logo
    return {PDF_LOGO_PATH + str(doc.brand.brand.pk): logo} if logo else {}


_stylesheet_cache: dict[str, tuple[float, CSS]] = {}


def _document_stylesheet() -> CSS:
    """document.css, parsed once (again when the file changes): a batch lays out many parts."""
    path = _static_path(DOCUMENT_CSS)
    changed = os.path.getmtime(path)
    cached = _stylesheet_cache.get(path)
    if cached is None or cached[0] != changed:
        # It names no URL: it needs no fetcher of its own.
        css = CSS(filename=path, url_fetcher=DocumentFetcher())
        _stylesheet_cache[path] = cached = (changed, css)
    return cached[1]


# WeasyPrint loads fontconfig's configuration and a new Pango font map for every document
# unless handed one: kept per thread (Pango's font maps are not shared across threads), so a
# PDF starts with its fonts loaded and shaped text cached.
_fonts = local()


def _font_config() -> FontConfiguration:
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def html_to_pdf(html: str, *, fetcher: DocumentFetcher):
    """A WeasyPrint document (laid out, not yet written) of one page of ours, with the
    documents' stylesheet."""
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).render(
        stylesheets=[_document_stylesheet()], font_config=_font_config()
    )


def invoice_pdf(*, invoice: Invoice, fetcher: DocumentFetcher | None = None) -> bytes:
    """The invoice's PDF, in the company's formats and the client's language."""
    with document_locale(invoice.company, invoice.client.language):
        doc = invoice_document(invoice=invoice)
        return document_pdf(
            doc, html=invoice_html, company=invoice.company, title=doc.title, fetcher=fetcher
        )


def document_pdf(
    doc, *, html: Callable[..., str], company, title: str, fetcher: DocumentFetcher | None = None
) -> bytes:
    """One document's PDF (`html(doc=, medium="pdf")` its HTML), fetching its brand's logo and
    our static files only. Call it inside document_locale."""
    page = pdf_page(html(doc=doc, medium="pdf"), company=company, title=f"{title} {doc.number}")
    if fetcher is None:
        return _pdf_of([page], logos=pdf_logos(doc))
    fetcher.logos.update(pdf_logos(doc))  # a caller's own fetcher (a test's) sees every fetch
    return html_to_pdf(page, fetcher=fetcher).write_pdf()


# The last documents' PDFs by what they are made of (their HTML and logo): a second download,
# the email's attachment after the page's, costs no second layout.
_pdf_cache = RecentBytes(16)


def _pdf_of(parts: list[str], *, logos: dict[str, FieldFile]) -> bytes:
    names = sorted((path, logo.name) for path, logo in logos.items())
    key = hashlib.sha256(repr((parts, names)).encode()).hexdigest()
    cached = _pdf_cache.get(key)
    if cached is RecentBytes.MISSING:
        cached = _parts_to_pdf(parts, fetcher=DocumentFetcher(logos=logos))
        _pdf_cache.put(key, cached)
    return cached


# Invoices laid out at a time in a batch's PDF: the progress moves after each group.
BATCH_CHUNK = 25


def batch_pdf(
    *,
    batch: BatchInvoice,
    progress: Callable[[int, int], None] | None = None,
    fetcher: DocumentFetcher | None = None,
) -> bytes:
    """The batch's consolidated PDF: its summary and grand total, then each invoice. Laid
    out BATCH_CHUNK invoices at a time (`progress(done, total)` after each group), the pages
    then written as one file."""
    company = batch.company
    with document_locale(company, batch.client.language):
        doc = batch_document(batch=batch)
        prepare_document(doc, "pdf")
        title = str(_("Batch invoice %(number)s") % {"number": doc.number})
        page = partial(pdf_page, company=company, title=title, numbered=False)
        summary = render_to_string("billing/document/batch.html", {"doc": doc, "part": "summary"})
        parts = [page(summary)]
        for start in range(0, len(doc.invoices), BATCH_CHUNK):
            chunk = doc.invoices[start : start + BATCH_CHUNK]
            for invoice_doc in chunk:
                prepare_document(invoice_doc, "pdf")
            body = render_to_string(
                "billing/document/batch.html", {"doc": doc, "part": "invoices", "chunk": chunk}
            )
            parts.append(page(body))
    logos = pdf_logos(doc)
    if fetcher is None and progress is None:
        return _pdf_of(parts, logos=logos)
    fetcher = fetcher or DocumentFetcher(logos=logos)
    fetcher.logos.update(logos)
    return _parts_to_pdf(parts, fetcher=fetcher, progress=progress, total=len(doc.invoices))


def _parts_to_pdf(
    parts: list[str],
    *,
    fetcher: DocumentFetcher,
    progress: Callable[[int, int], None] | None = None,
    total: int = 0,
) -> bytes:
    """Pages laid out part by part (`progress(done, total)` after each part of invoices),
    then written as one file."""
    rendered = []
    for index, html in enumerate(parts):
        rendered.append(html_to_pdf(html, fetcher=fetcher))
        if progress:
            progress(min(index * BATCH_CHUNK, total), total)
    pages = [page for document in rendered for page in document.pages]
    return rendered[0].copy(pages).write_pdf()


# --- names and the public link ------------------------------------------------------------


def _safe_name(number: str) -> str:
    kept = "".join(c if c.isalnum() or c in "-_" else "-" for c in number).strip("-")
    return kept or "draft"


def invoice_filename(invoice: Invoice) -> str:
    """invoice-INV-0007.pdf"""
    return f"invoice-{_safe_name(invoice.number or f'draft-{invoice.pk}')}.pdf"


def batch_filename(batch: BatchInvoice) -> str:
    return f"batch-{_safe_name(batch.number)}.pdf"


TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def _token_ok(token: str) -> bool:
    return (
        isinstance(token, str)
        and len(token) == TOKEN_LENGTH
        and all(c.isalnum() or c in "-_" for c in token)
    )


def invoice_by_token(*, token: str) -> Invoice | None:
    """The issued, not void invoice a public link names; None for anything else."""
    if not _token_ok(token):
        return None
    return (
        Invoice.objects.select_related("client", "company", "property")
        .defer("client__notes", "property__access_notes", "property__description")
        .exclude(status__in=(InvoiceStatus.DRAFT, InvoiceStatus.VOID))
        .filter(public_token=token)
        .first()
    )


def batch_by_token(*, token: str) -> BatchInvoice | None:
    if not _token_ok(token):
        return None
    return (
        BatchInvoice.objects.select_related("client", "company")
        .defer("client__notes")
        .filter(public_token=token)
        .first()
    )


# --- a big batch's PDF, made in the background ---------------------------------------------

# Up to this many invoices a batch's PDF is made while the request waits (well under a
# second each); a bigger batch's is made by a background task while a page shows progress.
BATCH_PDF_WHILE_WAITING = 30
BATCH_PDF_STALLED_AFTER = timedelta(minutes=10)


def batch_size(*, batch: BatchInvoice) -> int:
    return BatchItem.objects.filter(batch=batch, active=True).count()


def batch_changed_at(*, batch: BatchInvoice):
    """When the batch's document last changed: the latest change of its invoices (a payment,
    a void: each moves its invoice's `updated_at`), or the batch's making."""
    latest = Invoice.objects.filter(batch_items__batch=batch).aggregate(at=Max("updated_at"))["at"]
    return max(filter(None, (latest, batch.created_at)))


def batch_pdf_latest(*, batch: BatchInvoice) -> BatchPdf | None:
    """The batch's last PDF render, marked failed when its worker stopped moving."""
    render = BatchPdf.objects.filter(batch=batch).order_by("-created_at", "-id").first()
    if render is not None and render.is_running:
        moved = render.progress_at or render.created_at
        if timezone.now() - moved > BATCH_PDF_STALLED_AFTER:
            BatchPdf.objects.filter(pk=render.pk, status=render.status).update(
                status=RenderStatus.FAILED,
                error=str(MSG_RENDER_STALLED),
                finished_at=timezone.now(),
            )
            render.refresh_from_db()
    return render


def batch_pdf_is_fresh(render: BatchPdf | None, *, batch: BatchInvoice) -> bool:
    """A finished render made after the batch's last change: still the batch as it is."""
    return (
        render is not None
        and render.status == RenderStatus.DONE
        and bool(render.file)
        and render.created_at >= batch_changed_at(batch=batch)
    )


@dataclass(frozen=True)
class BatchPdfNow:
    """A batch's PDF as far as it can be had now, by the one rule of the page and the API:
    made while the request waits for a small batch (`data`), else its big batch's fresh
    background render (`file`), else neither (`ready` is false): `render` is then the last
    render (running, failed, stale, or none yet) to show the progress of or to start anew."""

    size: int
    render: BatchPdf | None = None
    data: bytes | None = None
    file: FieldFile | None = None

    @property
    def ready(self) -> bool:
        return self.data is not None or self.file is not None


def batch_pdf_now(*, batch: BatchInvoice) -> BatchPdfNow:
    size = batch_size(batch=batch)
    if size <= BATCH_PDF_WHILE_WAITING:
        return BatchPdfNow(size=size, data=batch_pdf(batch=batch))
    latest = batch_pdf_latest(batch=batch)
    fresh = latest.file if batch_pdf_is_fresh(latest, batch=batch) else None
    return BatchPdfNow(size=size, render=latest, file=fresh)


def batch_pdf_prepare(*, batch: BatchInvoice, user=None) -> BatchPdf:
    """The render of the batch's PDF to wait for: a running or fresh one, else a new one
    queued for the background worker. Asking twice queues one."""
    with transaction.atomic():
        # One render at a time per batch: parallel asks wait here for each other.
        BatchInvoice.objects.select_for_update().filter(pk=batch.pk).first()
        latest = batch_pdf_latest(batch=batch)
        if latest is not None and (latest.is_running or batch_pdf_is_fresh(latest, batch=batch)):
            return latest
        render = BatchPdf.objects.create(
            company_id=batch.company_id,
            batch=batch,
            total=batch_size(batch=batch),
            requested_by=user,
            progress_at=timezone.now(),
        )
        from crewdesk.billing.tasks import batch_pdf_render

        render_id = render.pk
        transaction.on_commit(lambda: batch_pdf_render.enqueue(render_id))
    render.refresh_from_db()
    return render


def batch_pdf_run(*, render: BatchPdf) -> str:
    """Lay out the batch's PDF, saving the progress after each group of invoices, then the
    file. The previous renders of the batch (and their files) go once this one is done."""
    started = BatchPdf.objects.filter(pk=render.pk, status=RenderStatus.QUEUED).update(
        status=RenderStatus.RENDERING, progress_at=timezone.now()
    )
    if not started:
        return "skipped"  # already taken (a retried task)

    def progress(done: int, total: int) -> None:
        BatchPdf.objects.filter(pk=render.pk).update(
            done=done, total=total, progress_at=timezone.now()
        )

    batch = BatchInvoice.objects.select_related("company", "client").get(pk=render.batch_id)
    try:
        data = batch_pdf(batch=batch, progress=progress)
    except Exception:
        logger.exception("The PDF of batch %s could not be made", batch.pk)
        BatchPdf.objects.filter(pk=render.pk).update(
            status=RenderStatus.FAILED, error=str(MSG_RENDER_FAILED), finished_at=timezone.now()
        )
        return "failed"
    render.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    BatchPdf.objects.filter(pk=render.pk).update(
        file=render.file.name,
        status=RenderStatus.DONE,
        done=F("total"),
        finished_at=timezone.now(),
        progress_at=timezone.now(),
    )
    for old in BatchPdf.objects.filter(batch_id=render.batch_id, created_at__lt=render.created_at):
        batch_pdf_delete(old)
    return "made"


def batch_pdf_delete(render: BatchPdf) -> None:
    if render.file:
        render.file.storage.delete(render.file.name)
    render.delete()


def batch_pdf_bytes(*, batch: BatchInvoice) -> bytes:
    """The batch's PDF as it is now: its fresh background render when there is one, else
    made here (an email's attachment: in the background already)."""
    latest = batch_pdf_latest(batch=batch)
    if batch_pdf_is_fresh(latest, batch=batch):
        try:
            with latest.file.open("rb") as handle:
                return handle.read()
        except (FileNotFoundError, OSError):
            pass
    return batch_pdf(batch=batch)


MSG_RENDER_FAILED = _("The PDF could not be made. Try again; if it fails again, tell us.")
MSG_RENDER_STALLED = _("Making the PDF stopped unexpectedly. Try again.")


# A batch's PDF is kept this long for its next download, then made again when asked.
BATCH_PDF_KEPT = timedelta(days=7)


def batch_pdfs_cleanup(now) -> dict[str, int]:
    """The daily cleanup (core/cleanup.py): old batch PDFs and their files."""
    old = BatchPdf.objects.filter(created_at__lt=now - BATCH_PDF_KEPT)
    count = 0
    for render in old.iterator():
        batch_pdf_delete(render)
        count += 1
    return {"batch PDFs": count}
