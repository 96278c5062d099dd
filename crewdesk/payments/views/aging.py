"""Aging: what clients owe on open invoices by how late it is (current, 1–30, 31–60, 61–90,
over 90 days past due, in the company's time zone), in total with a bar for each column, and
per client, most owed first; and the same as a CSV file, streamed. Each is one SQL aggregate
(payments.selectors.aging, aging_by_client)."""

import csv
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from crewdesk.billing.amounts import quantize
from crewdesk.clients import selectors as client_selectors
from crewdesk.clients.importing.cells import csv_safe
from crewdesk.core.dates import company_today
from crewdesk.core.decorators import member_required
from crewdesk.core.paging import PeekPage
from crewdesk.core.permissions import Action
from crewdesk.core.responses import csv_response
from crewdesk.payments import selectors
from crewdesk.payments.forms import PaymentFilterForm
from crewdesk.payments.selectors import AGING_COLUMNS

PAGE_SIZE = 50
CSV_CHUNK = 1000


def _bars(totals) -> list[dict]:
    """Each column's amount and its bar's width, a share of the largest column."""
    largest = max((getattr(totals, key) for key, _b, _l in AGING_COLUMNS), default=0) or 1
    return [
        {
            "key": key,
            "label": label,
            "amount": getattr(totals, key),
            "width": round(getattr(totals, key) / largest * 100, 1),
        }
        for key, _bucket, label in AGING_COLUMNS
    ]


@member_required(Action.MANAGE_BILLING)
@require_GET
def aging(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    totals = selectors.aging(viewer=actor)
    number = PaymentFilterForm(request.GET).value("page", 1)
    page = PeekPage(selectors.aging_by_client(viewer=actor), number, PAGE_SIZE)
    names = client_selectors.clients_by_id(
        viewer=actor, ids=[row["client_id"] for row in page.object_list]
    )
    for row in page.object_list:
        row["client"] = names.get(row["client_id"])
    context = {
        "totals": totals,
        "bars": _bars(totals),
        "columns": AGING_COLUMNS,
        "page": page,
        "today": company_today(actor.company),
        "currency": actor.company.currency,
    }
    return render(request, "payments/aging.html", context)


class _Line:
    """csv.writer writes into this and gets the line back."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(actor) -> Iterator[str]:
    """The CSV, CSV_CHUNK clients at a time (by client id: each chunk one grouped query)."""
    writer = csv.writer(_Line())
    keys = [key for key, _b, _l in AGING_COLUMNS]
    yield "\ufeff" + writer.writerow(
        [_("Client"), *[str(label) for _k, _b, label in AGING_COLUMNS], _("Total")]
    )
    rows = selectors.aging_by_client(viewer=actor).order_by("client_id")
    last = 0
    while True:
        chunk = list(rows.filter(client_id__gt=last)[:CSV_CHUNK])
        if not chunk:
            break
        names = client_selectors.clients_by_id(viewer=actor, ids=[r["client_id"] for r in chunk])
        yield "".join(
            writer.writerow(
                [
                    csv_safe(getattr(names.get(r["client_id"]), "display_name", r["client_id"])),
                    *[quantize(r[key]) for key in keys],
                    quantize(r["total"]),
                ]
            )
            for r in chunk
        )
        last = chunk[-1]["client_id"]
    totals = selectors.aging(viewer=actor)
    yield writer.writerow(
        [
            _("All clients"),
            *[quantize(getattr(totals, key)) for key in keys],
            quantize(totals.total),
        ]
    )


@member_required(Action.MANAGE_BILLING)
@require_GET
def aging_csv(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    day = company_today(actor.company)
    return csv_response(_csv_lines(actor), filename=f"aging-{day:%Y-%m-%d}.csv")


urlpatterns = [
    path("payments/aging/", aging, name="aging"),
    path("payments/aging.csv", aging_csv, name="aging_csv"),
]
