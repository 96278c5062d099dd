"""The public link's pay pages (no login; the link's token is the key, as for `/d/<token>/`):

- `pay/` shows Stripe's Payment Element; the browser posts back the ConfirmationToken it made,
  and the page answers with the final amount (the card fee known from the card's funding);
- `pay/confirm` makes the PaymentIntent once the customer confirms that amount;
- `pay/done` is where Stripe sends the customer back: it only reads. Only the webhook marks
  anything paid.

Stripe.js comes from STRIPE_JS_URL (Stripe's own, or a stand-in in tests): these pages' content
security policy lets it in, and nothing else does.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crewdesk.billing import documents
from crewdesk.billing.models import Invoice
from crewdesk.billing.public_views import public_document, public_link_view
from crewdesk.payments import online
from crewdesk.payments import stripe_gateway as gateway
from crewdesk.payments.models import AttemptStatus

STRIPE_HOSTS = "https://js.stripe.com https://*.stripe.com"


def _stripe_origin() -> str:
    parts = urlsplit(settings.STRIPE_JS_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _csp() -> str:
    stripe = f"{_stripe_origin()} {STRIPE_HOSTS}".strip()
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {stripe}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob: https://*.stripe.com",
            "font-src 'self'",
            f"frame-src {stripe}",
            f"connect-src 'self' {stripe}",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


def _public_pay(methods):
    """A pay page of a public link (billing's public_link_view), when online payment is on;
    Stripe.js allowed by its content policy."""

    def decorate(view):
        def page(request: HttpRequest, token: str) -> HttpResponse:
            document = public_document(request, token)
            if not online.online_ready(document.company_id):
                raise Http404
            response = view(request, token, document)
            response["Content-Security-Policy"] = _csp()
            # The link's token stays on our own site, yet the forms post with their origin
            # (with no-referrer, browsers send `Origin: null`, which the CSRF check refuses).
            response["Referrer-Policy"] = "same-origin"
            return response

        page.__name__ = view.__name__
        page.__doc__ = view.__doc__
        return require_http_methods(methods)(public_link_view(page))

    return decorate


def _context(document, token: str, **more) -> dict:
    is_invoice = isinstance(document, Invoice)
    title = (_("Pay invoice %(number)s") if is_invoice else _("Pay batch invoice %(number)s")) % {
        "number": document.number
    }
    brand = documents.document_brand(company=document.company, client=document.client)
    return {
        "title": title,
        "brand_name": brand.name,
        "token": token,
        "document_url": reverse("public_documents:view", args=[token]),
        "currency": online.document_currency(document),
        **more,
    }


def _pay_form(request, token, document, *, error: str = "", status: int = 200) -> HttpResponse:
    balance = online.document_balance(document)
    if online.payment_processing(document):
        return render(
            request, "payments/pay/processing.html", _context(document, token), status=status
        )
    context = _context(
        document,
        token,
        balance=balance,
        amount_minor=gateway.to_minor(balance, online.document_currency(document)),
        publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
        stripe_js_url=settings.STRIPE_JS_URL,
        error=error,
        payable=balance >= gateway.MINIMUM_CHARGE,
    )
    return render(request, "payments/pay/pay.html", context, status=status)


def _confirm_form(request, token, document, attempt, *, note: str = "", status: int = 200):
    context = _context(
        document,
        token,
        attempt=attempt,
        method=online.attempt_method_label(attempt),
        note=note,
    )
    return render(request, "payments/pay/confirm.html", context, status=status)


def _first_error(error: ValidationError) -> str:
    messages = error.messages
    return messages[0] if messages else _("Something went wrong. Try again.")


@_public_pay(["GET", "HEAD", "POST"])
def pay_page(request: HttpRequest, token: str, document) -> HttpResponse:
    """GET: the Payment Element. POST (its ConfirmationToken): the amount to confirm."""
    if request.method != "POST":
        return _pay_form(request, token, document)
    try:
        attempt = online.attempt_quote(
            document=document, confirmation_token=request.POST.get("confirmation_token", "")
        )
    except ValidationError as error:
        return _pay_form(request, token, document, error=_first_error(error), status=400)
    return _confirm_form(request, token, document, attempt)


@_public_pay(["POST"])
def pay_confirm(request: HttpRequest, token: str, document) -> HttpResponse:
    """The customer confirmed the amount shown: the PaymentIntent, then the done page (or
    the bank's check, when the card asks for one)."""
    attempt = online.attempt_of(document=document, attempt_id=request.POST.get("attempt"))
    if attempt is None:
        return _pay_form(request, token, document, error=_("Start the payment again."), status=400)
    done = reverse("public_pay:done", args=[token]) + f"?attempt={attempt.pk}"
    try:
        intent = online.attempt_confirm(
            document=document, attempt=attempt, return_url=settings.SITE_URL + done
        )
    except online.BalanceChanged:
        attempt.refresh_from_db()
        note = _("The balance changed since you started: confirm the new amount.")
        return _confirm_form(request, token, document, attempt, note=note, status=409)
    except ValidationError as error:
        return _pay_form(request, token, document, error=_first_error(error), status=400)
    if intent is not None and intent.status == "requires_action":
        context = _context(
            document,
            token,
            client_secret=intent.client_secret,
            done_url=done,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            stripe_js_url=settings.STRIPE_JS_URL,
        )
        return render(request, "payments/pay/next_action.html", context)
    return redirect(done)


@_public_pay(["GET", "HEAD"])
def pay_done(request: HttpRequest, token: str, document) -> HttpResponse:
    """Where the customer lands after paying. It reads only: the webhook marks it paid."""
    attempt = online.attempt_of(document=document, attempt_id=request.GET.get("attempt"))
    failed = attempt is not None and attempt.status in (
        AttemptStatus.FAILED,
        AttemptStatus.CANCELED,
    )
    context = _context(
        document,
        token,
        attempt=attempt,
        failed=failed,
        succeeded=attempt is not None and attempt.status == AttemptStatus.SUCCEEDED,
    )
    return render(request, "payments/pay/done.html", context)
