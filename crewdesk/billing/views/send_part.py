"""The document part of the invoice and batch pages: Send (or Resend) by email, when it was
last sent, the emails about it (its communication log), and its public link turned off or
made anew. One set of views serves both pages (`document_views`); each page gives how it
finds its record and renders itself. A refusal is a message or the form's error, never a 500.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crewdesk.billing import sending
from crewdesk.billing.forms import SendForm
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error, refusal_text
from crewdesk.core.navigation import next_url
from crewdesk.core.permissions import Action

MESSAGE_ROWS = 20  # the newest emails shown; the client's Messages tab has them all


def send_context(request: HttpRequest, record, *, prefix: str, can_send: bool, form=None) -> dict:
    """What the document part (billing/_send_part.html) shows: the send form, who it may go
    to, the emails sent, and where its buttons post."""
    recipients = sending.client_recipients(client=record.client)
    log = sending.document_messages(viewer=request.membership, record=record)
    return {
        "document_record": record,
        "send_urls": {
            action: reverse(f"billing:{prefix}_{action}", args=[record.pk])
            for action in ("send", "link_revoke", "link_reissue")
        },
        "can_send": can_send,
        "recipients": recipients,
        "send_form": form or SendForm(recipients=recipients),
        "sent_messages": list(log[:MESSAGE_ROWS]),
    }


def _about_the_form(error: Exception, form) -> bool:
    fields = getattr(error, "error_dict", {})
    return isinstance(error, ValidationError) and bool(set(fields) & set(form.fields))


@dataclass(frozen=True)
class DocumentPage:
    """An invoice's or a batch's page, as its document part's views use it."""

    prefix: str  # "invoice": the services' keyword, and the names invoice_send, ...
    path: str  # "invoices/<int:invoice_id>/"
    find: Callable[[HttpRequest, int], object]  # the record, or Http404
    render: Callable[..., HttpResponse]  # (request, record, status=, **extra) -> the page
    url: Callable[[object], str]
    send: Callable[..., object]
    revoke: Callable[..., object]
    reissue: Callable[..., object]


def document_views(page: DocumentPage) -> list:
    """The send, revoke-link and new-link POSTs of one page, as URL patterns."""

    def _back(request: HttpRequest, record) -> HttpResponse:
        return redirect(next_url(request, page.url(record)))

    @member_required(Action.MANAGE_BILLING)
    @require_POST
    def send(request: HttpRequest, **ids) -> HttpResponse:
        record = page.find(request, *ids.values())
        recipients = sending.client_recipients(client=record.client)
        form = SendForm(request.POST, recipients=recipients)
        if form.is_valid():
            try:
                sent = page.send(
                    actor=request.membership,
                    **{page.prefix: record},
                    to=form.cleaned_data["to"],
                    message=form.cleaned_data["message"],
                )
            except (ValidationError, PermissionDenied) as error:
                if not _about_the_form(error, form):  # a draft, an empty batch: a message
                    messages.error(request, refusal_text(error))
                    return _back(request, record)
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Sent to %(to)s.") % {"to": sent.to})
                return _back(request, record)
        return page.render(request, record, status=422, send_form=form, open_send=True)

    def _link_action(do, success):
        @member_required(Action.MANAGE_BILLING)
        @require_POST
        def view(request: HttpRequest, **ids) -> HttpResponse:
            record = page.find(request, *ids.values())
            try:
                do(actor=request.membership, **{page.prefix: record})
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, success)
            return _back(request, record)

        return view

    revoke = _link_action(
        page.revoke,
        gettext_lazy("The public link is turned off: the old address shows nothing now."),
    )
    reissue = _link_action(
        page.reissue, gettext_lazy("A new public link is made; the old address shows nothing now.")
    )
    return [
        path(f"{page.path}send/", send, name=f"{page.prefix}_send"),
        path(f"{page.path}link/revoke/", revoke, name=f"{page.prefix}_link_revoke"),
        path(f"{page.path}link/new/", reissue, name=f"{page.prefix}_link_reissue"),
    ]
