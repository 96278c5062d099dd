"""An invoice with every part a document shows, for the document, public link and sending
tests: a brand with a logo, a client with a billing name and address, jobs at two properties,
a line by hand that is not taxed, a discount, a tax rate and a message; and PDF helpers."""

import datetime
import io
from decimal import Decimal

import pypdfium2
from django.core.files.base import ContentFile
from PIL import Image

from crewdesk.billing import services
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.core.models import Brand
from crewdesk.jobs.services import LineInput
from tests.billing.conftest import finish
from tests.factories import company_today, make_job, make_property


def logo_png(size=(400, 120), color=(29, 78, 216)) -> bytes:
    image = Image.new("RGB", size, "white")
    for x in range(20, 120):
        for y in range(20, 100):
            image.putpixel((x, y), color)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_brand(owner, *, logo=True, **fields) -> Brand:
    values = {
        "name": "Sparkle Crew",
        "email": "billing@sparkle.example",
        "phone": "(415) 555-0100",
        "website": "https://sparkle.example",
        "street": "500 Market St",
        "city": "San Francisco",
        "region": "CA",
        "postal_code": "94105",
        "country": "US",
        "is_default": True,
        **fields,
    }
    brand = Brand.objects.create(company=owner.company, **values)
    if logo:
        brand.logo.save("logo.png", ContentFile(logo_png()), save=True)
    return brand


def set_up_company(owner) -> None:
    company = owner.company
    company.invoice_prefix = "INV-"
    company.default_tax_rate = Decimal("8.875")
    company.payment_terms_days = 14
    company.save()


def make_full_invoice(owner, client, *, issue=True, **extra):
    """Two jobs at two properties, a hand line not taxed, 10% off, 8.875% tax, a message."""
    set_up_company(owner)
    client.billing_name = "Dawson Holdings LLC"
    client.street, client.city, client.region, client.postal_code = (
        "77 Elm Street",
        "Oakland",
        "CA",
        "94607",
    )
    client.save()
    harbor = make_property(owner, client, name="Harbor House", street="12 Harbor Road")
    cabin = make_property(owner, client, name="Lake Cabin", street="1 Lake Rd")
    today = company_today(owner)
    first = finish(
        owner,
        make_job(
            owner,
            harbor,
            day=today - datetime.timedelta(days=3),
            title="Turnover clean",
            lines=[LineInput("Standard clean", 1, "120.00"), LineInput("Linen change", 2, "15.00")],
        ),
    )
    second = finish(
        owner,
        make_job(
            owner,
            cabin,
            day=today - datetime.timedelta(days=1),
            title="Deep clean",
            lines=[LineInput("Deep clean", 1, "240.00")],
        ),
    )
    invoice = services.invoice_create(
        actor=owner,
        client=client,
        jobs=[first, second],
        lines=[HandLine("Trip fee", "25.00", taxable=False)],
        discount_percent="10",
        customer_message="Thank you for your business!\nGate code changed.",
        **extra,
    )
    if issue:
        invoice = services.invoice_issue(actor=owner, invoice=invoice)
    invoice.refresh_from_db()
    return invoice


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF (what a reader would copy)."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def pdf_first_page_png(data: bytes, path=None, scale: float = 1.5) -> Image.Image:
    """The first page drawn as a picture (and saved to `path`)."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[0].render(scale=scale).to_pil()
    finally:
        pdf.close()
    if path is not None:
        image.save(path)
    return image


def pdf_pages(data: bytes) -> int:
    pdf = pypdfium2.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()
