"""The office's download of a payment's receipt (payments/receipts.py)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.core.responses import private_bytes_response
from crewdesk.core.uploads import PDF_CONTENT_TYPE
from crewdesk.payments import receipts
from crewdesk.payments.models import Payment
from crewdesk.payments.selectors import payment_get


@require_safe
@member_required(Action.MANAGE_BILLING)
def receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    try:
        payment = payment_get(viewer=request.membership, payment_id=payment_id)
    except Payment.DoesNotExist as error:
        raise Http404 from error
    return private_bytes_response(
        receipts.receipt_pdf(payment=payment),
        name=receipts.receipt_filename(payment),
        content_type=PDF_CONTENT_TYPE,
    )
