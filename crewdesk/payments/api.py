"""The payments part of the API (DESIGN §6). Thin: each endpoint parses, calls the service or
selector the pages use, and answers.

Payments are the office's (Owner, Office): an Employee's token gets 403 on every route, before
any id is looked at. Another company's payment in the path is a 404; another company's (or
another client's) id in the body a 422 on that field, and so is an amount above a balance or
allocations above the payment. An action the payment's status forbids — approving what is not
waiting for approval, refunding what is not completed — is a 409 saying why."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from crewdesk.accounts.models import Membership
from crewdesk.api.auth import acting_member
from crewdesk.api.errors import (
    BODY_ERRORS,
    COMMON_ERRORS,
    STATUS_FIELDS,
    refusal_is_conflict,
)
from crewdesk.api.pagination import page_answer
from crewdesk.core.permissions import Action
from crewdesk.payments import selectors, services
from crewdesk.payments.filters import PaymentFilters
from crewdesk.payments.models import Payment
from crewdesk.payments.schemas import (
    ApplyIn,
    ApproveIn,
    PaymentCreateIn,
    PaymentDetailOut,
    PaymentListOut,
    PaymentListQuery,
    ReasonIn,
    RefundIn,
    RejectIn,
)

router = Router(tags=["payments"])


def _member(request: HttpRequest) -> Membership:
    return acting_member(request, Action.MANAGE_BILLING)


def _payment(request: HttpRequest, payment_id: int) -> Payment:
    return selectors.payment_get(viewer=_member(request), payment_id=payment_id)


def _detail(request: HttpRequest, payment_id: int) -> Payment:
    """The payment as stored (read afresh after a write), with its allocations, refunds and
    what it has left."""
    payment = _payment(request, payment_id)
    viewer = request.membership
    payment.credit = selectors.payment_credit(viewer=viewer, payment=payment)
    payment.allocation_list = list(selectors.payment_allocations(viewer=viewer, payment=payment))
    payment.refund_list = list(selectors.payment_refunds(viewer=viewer, payment=payment))
    return payment


def _allocations(allocations) -> list[services.AllocationInput] | None:
    if allocations is None:
        return None
    return [services.AllocationInput(invoice=a.invoice, amount=a.amount) for a in allocations]


@router.get("/payments", response={200: PaymentListOut, **COMMON_ERRORS})
def payment_list(request, filters: Query[PaymentListQuery]):
    """Payments, newest received first, filtered and searched (a reference such as a check
    number, or the client as the clients search finds it). `status=to_approval` is the
    approval queue: customers' reports waiting for the office. `count` is exact up to 1,000
    (`count_exact`). The items come without their allocations: GET a payment for those."""
    found = selectors.payment_search(
        viewer=_member(request),
        filters=PaymentFilters(
            status=filters.status,
            method=filters.method,
            client=filters.client,
            date_from=filters.date_from,
            date_to=filters.date_to,
            search=filters.search,
        ),
    )
    return page_answer(found, filters, rows=selectors.with_credit(payments=found))


@router.post("/payments", response={201: PaymentDetailOut, **BODY_ERRORS})
def payment_new(request, payload: PaymentCreateIn):
    """Record a payment the office took (a check, cash, a transfer): `completed` at once. It
    pays the invoices in `allocations`, each at most its balance and together at most the
    amount (else 422), or a `batch` oldest due first; the rest is the client's credit."""
    payment = services.payment_record(
        actor=_member(request),
        client=payload.client,
        method=payload.method,
        amount=payload.amount,
        reference=payload.reference,
        received_at=payload.received_at,
        allocations=_allocations(payload.allocations),
        batch=payload.batch,
    )
    return Status(201, _detail(request, payment.pk))


@router.get(
    "/payments/{payment_id}",
    response={200: PaymentDetailOut, **COMMON_ERRORS},
    url_name="payment_detail",
)
def payment_detail(request, payment_id: int):
    """A payment with its allocations (the undone ones too), its refunds and its credit."""
    return _detail(request, payment_id)


@router.post("/payments/{payment_id}/approve", response={200: PaymentDetailOut, **BODY_ERRORS})
def payment_approve(request, payment_id: int, payload: ApproveIn):
    """A customer's report whose money arrived: completed, paying `allocations` or else what
    it was reported for. The customer is emailed. Anything but `to_approval` answers 409."""
    payment = _payment(request, payment_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.payment_approve(
            actor=request.membership,
            payment=payment,
            allocations=_allocations(payload.allocations),
        )
    return _detail(request, payment.pk)


@router.post("/payments/{payment_id}/reject", response={200: PaymentDetailOut, **BODY_ERRORS})
def payment_reject(request, payment_id: int, payload: RejectIn):
    """A customer's report the office could not match to money: failed, with the `reason`
    the customer is emailed. Anything but `to_approval` answers 409."""
    payment = _payment(request, payment_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.payment_reject(actor=request.membership, payment=payment, reason=payload.reason)
    return _detail(request, payment.pk)


@router.post("/payments/{payment_id}/refund", response={200: PaymentDetailOut, **BODY_ERRORS})
def payment_refund(request, payment_id: int, payload: RefundIn):
    """Give back `amount`: the unapplied credit first, then from the newest invoice it paid
    (or the `invoices` named, in that order), which are owed again. The card fee is returned
    pro rata. Only a completed payment; else 409."""
    payment = _payment(request, payment_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.payment_refund(
            actor=request.membership,
            payment=payment,
            amount=payload.amount,
            invoices=payload.invoices,
            reason=payload.reason,
        )
    return _detail(request, payment.pk)


@router.post("/payments/{payment_id}/apply", response={200: PaymentDetailOut, **BODY_ERRORS})
def payment_apply(request, payment_id: int, payload: ApplyIn):
    """Put the payment's credit on the client's invoices, each at most its balance. Only a
    completed payment; else 409."""
    payment = _payment(request, payment_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.payment_apply(
            actor=request.membership,
            payment=payment,
            allocations=_allocations(payload.allocations),
        )
    return _detail(request, payment.pk)


@router.post("/payments/{payment_id}/reverse", response={200: PaymentDetailOut, **BODY_ERRORS})
def payment_reverse(request, payment_id: int, payload: ReasonIn):
    """The money never came (a bounced check): every allocation undone, its invoices owed
    again, the payment failed, and a notice on the client's profile. Only a completed payment
    recorded by the office (an online one is reversed by its provider); else 409."""
    payment = _payment(request, payment_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.payment_reverse(actor=request.membership, payment=payment, reason=payload.reason)
    return _detail(request, payment.pk)
