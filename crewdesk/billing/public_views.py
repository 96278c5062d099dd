"""The public links of DESIGN §6: `/d/<token>/` shows one invoice's (or batch's) document to
whoever holds the link, without logging in, and nothing else: its PDF, its logo, and a Pay
button only when the payments app offers one (documents.PUBLIC_PAY_ACTIONS).

The token is the only key: 256 random bits (billing.services.new_token), looked up by a unique
index. A revoked link (token cleared), a void invoice (voiding clears it) and a made-up token
are the same bare 404. Each address gets a bounded number of lookups and of PDFs (made on
demand, they cost the most). The answers ask browsers not to send the link on as a referrer,
and search engines not to index it.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from crewdesk.accounts.addresses import client_address
from crewdesk.accounts.throttles import throttle_hit
from crewdesk.billing import documents
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.core.responses import private_bytes_response, private_file_response
from crewdesk.core.uploads import PDF_CONTENT_TYPE
from crewdesk.core.views import page_not_found

# Requests one address may make to public links in a window, and PDFs among them.
LOOKUPS_PER_ADDRESS = 300
PDFS_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60
# A batch's PDF being made in the background: the waiting page looks again this often.
REFRESH_SECONDS = 3

ROBOTS = "noindex, nofollow, noarchive"


def _private(response: HttpResponse) -> HttpResponse:
    response.setdefault("Referrer-Policy", "no-referrer")  # unless the page chose its own
    response["X-Robots-Tag"] = ROBOTS
    response["Cache-Control"] = "private, no-store"
    return response


class Throttled(Exception):
    pass


def _throttle(request: HttpRequest, what: str, limit: int) -> None:
    address = client_address(request) or "unknown"
    if not throttle_hit(f"public-{what}:{address}", limit=limit, window_seconds=WINDOW_SECONDS):
        raise Throttled


def _too_many() -> HttpResponse:
    response = HttpResponse(
        _("Too many requests. Try again in a few minutes."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _private(response)


def public_document(request: HttpRequest, token: str) -> Invoice | BatchInvoice:
    """The invoice or batch the link names, or a 404 that says nothing more."""
    _throttle(request, "lookup", LOOKUPS_PER_ADDRESS)
    found = documents.invoice_by_token(token=token) or documents.batch_by_token(token=token)
    if found is None:
        raise Http404
    return found


def public_link_view(view):
    """A page of a public link (`view(request, token)`): never cached, never indexed, sending
    no referrer; throttled per address; a bare 404 for a link that names nothing."""

    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            return _private(view(request, token))
        except Throttled:
            return _too_many()
        except Http404 as error:
            return _private(page_not_found(request, error))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _public(view):
    return require_safe(public_link_view(view))


def _pay_actions(found, token: str) -> list[documents.PayAction]:
    balance = found.balance if isinstance(found, Invoice) else None
    if balance is not None and balance <= 0:
        return []
    actions = [action(document=found, token=token) for action in documents.PUBLIC_PAY_ACTIONS]
    return [action for action in actions if action]


@_public
def document_page(request: HttpRequest, token: str) -> HttpResponse:
    """The document itself, with its PDF and, when payments offer it, Pay."""
    found = public_document(request, token)
    client = found.client
    with documents.document_locale(found.company, client.language):
        if isinstance(found, Invoice):
            doc = documents.invoice_document(invoice=found)
            html = documents.invoice_html(doc=doc, medium="page")
            title = f"{doc.title} {doc.number}"
            actions = _pay_actions(found, token)
        else:
            doc = documents.batch_document(batch=found)
            html = documents.batch_html(doc=doc, medium="page")
            title = _("Batch invoice %(number)s") % {"number": doc.number}
            actions = _pay_actions(found, token) if doc.balance > 0 else []
        context = {
            "title": title,
            "brand_name": doc.brand.name,
            "document": html,
            "token": token,
            "pay_actions": actions,
        }
        return render(request, "billing/public/document.html", context)


@_public
def document_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The document's PDF. A big batch's is made in the background: the page waits for it."""
    found = public_document(request, token)
    if isinstance(found, Invoice):
        _throttle(request, "pdf", PDFS_PER_ADDRESS)
        return private_bytes_response(
            documents.invoice_pdf(invoice=found),
            name=documents.invoice_filename(found),
            content_type=PDF_CONTENT_TYPE,
        )
    name = documents.batch_filename(found)
    if documents.batch_size(batch=found) <= documents.BATCH_PDF_WHILE_WAITING:
        _throttle(request, "pdf", PDFS_PER_ADDRESS)
        return private_bytes_response(
            documents.batch_pdf(batch=found), name=name, content_type=PDF_CONTENT_TYPE
        )
    latest = documents.batch_pdf_latest(batch=found)
    if not documents.batch_pdf_is_fresh(latest, batch=found):
        if latest is None or not latest.is_running:
            _throttle(request, "pdf", PDFS_PER_ADDRESS)
        # Made at once where tasks run in the request (CREWDESK_TASKS=immediate).
        latest = documents.batch_pdf_prepare(batch=found)
    if documents.batch_pdf_is_fresh(latest, batch=found):
        return private_file_response(
            latest.file, name=name, content_type=PDF_CONTENT_TYPE, inline=False
        )
    context = {
        "title": _("Batch invoice %(number)s") % {"number": found.number},
        "render": latest,
        "refresh": REFRESH_SECONDS,
        "token": token,
    }
    return render(request, "billing/public/preparing.html", context)


@_public
def document_logo(request: HttpRequest, token: str) -> HttpResponse:
    """The brand's logo, for the document in an email (which cannot hold it)."""
    found = public_document(request, token)
    brand = documents.document_brand(company=found.company, client=found.client)
    data = documents.logo_png(brand.logo)
    if data is None:
        raise Http404
    response = private_bytes_response(
        data, name="logo.png", content_type="image/png", inline=True, cache="private, max-age=3600"
    )
    # An email shows it from another origin (the reader's mail site).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
