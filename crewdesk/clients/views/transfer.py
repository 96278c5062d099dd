"""Client pages: CSV import (upload, column mapping, preview, progress, rejected-rows report)
and CSV export of the filtered list. Thin: parse, call importing/exporting, render."""

import os
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.clients import exporting, importing, selectors
from crewdesk.clients.filters import ClientFilters
from crewdesk.clients.forms import ClientFilterForm
from crewdesk.clients.importing.columns import FIELD_GROUPS, IGNORE, mapping_errors
from crewdesk.clients.importing.decoding import MAX_UPLOAD_BYTES, MSG_TOO_BIG
from crewdesk.clients.importing.preview import CHOICE_FIELDS
from crewdesk.clients.models import ClientImport, ImportRowKind, ImportStatus
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error
from crewdesk.core.permissions import Action
from crewdesk.core.responses import csv_response

RECENT_IMPORTS = 10


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "A client list exported as CSV from Jobber, Housecall Pro, QuickBooks, a spreadsheet "
            "or another tool; up to 50 MB. The first row must hold the column names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(MSG_TOO_BIG)
        return upload


class MappingForm(forms.Form):
    """One select per CSV column: which client field it fills, or "ignore"."""

    def __init__(self, headers: list[str], mapping: dict, samples: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [(IGNORE, _("Ignore this column"))] + [
            (str(group), list(fields)) for group, fields in FIELD_GROUPS
        ]
        self.columns = []
        for index, header in enumerate(headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=mapping.get(header, IGNORE),
            )
            self.columns.append((self[name], samples.get(header, [])))

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(f"column_{index}") or IGNORE
            for index, header in enumerate(self.headers)
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            errors = mapping_errors(self.headers, self.mapping())
            for header, message in errors.items():
                target = f"column_{self.headers.index(header)}" if header else None
                self.add_error(target, message)
        return cleaned


class ProblemPageForm(forms.Form):
    """Which problem rows the preview lists: a kind (or all, errors first) and a page. Anything
    else in the query string is no filter."""

    show = forms.ChoiceField(choices=[("", "")] + ImportRowKind.choices, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000_000, required=False)

    def where(self) -> tuple[str, int]:
        """(kind shown, page); a value that is not valid is left out (is_valid() first)."""
        return self.cleaned_data.get("show") or "", self.cleaned_data.get("page") or 1


class ChooseForm(ProblemPageForm):
    """Import or skip one likely duplicate (`row`), or a whole kind of them (`kind`)."""

    choice = forms.ChoiceField(choices=[("import", "import"), ("skip", "skip")])
    row = forms.IntegerField(min_value=1, max_value=10_000_000, required=False)
    kind = forms.ChoiceField(
        choices=[("", "")] + [(k.value, k.label) for k in CHOICE_FIELDS],
        required=False,
    )


def _import_or_404(request: HttpRequest, import_id: int) -> ClientImport:
    try:
        return importing.import_get(viewer=request.membership, import_id=import_id)
    except ClientImport.DoesNotExist as error:
        raise Http404 from error


def _status_url(client_import: ClientImport) -> str:
    return reverse("clients:import_status", args=[client_import.pk])


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            client_import, notes = importing.import_upload(
                actor=request.membership, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            for note in notes:
                messages.warning(request, note)
            return redirect("clients:import_mapping", client_import.pk)
    recent = importing.import_list(viewer=request.membership)[:RECENT_IMPORTS]
    return render(request, "clients/import.html", {"form": form, "recent": recent})


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, import_id: int) -> HttpResponse:
    client_import = _import_or_404(request, import_id)
    if client_import.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
        return redirect(_status_url(client_import))
    samples = importing.import_samples(client_import)
    form = MappingForm(client_import.headers, client_import.mapping, samples, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            importing.import_set_mapping(
                actor=request.membership, client_import=client_import, mapping=form.mapping()
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return redirect("clients:import_preview", client_import.pk)
    return render(request, "clients/import_mapping.html", {"form": form, "import": client_import})


@member_required(Action.EDIT_RECORDS)
@require_GET
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    client_import = _import_or_404(request, import_id)
    if client_import.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
        return _go(request, _status_url(client_import))
    if client_import.status == ImportStatus.UPLOADED and importing.import_checked_while_waiting(
        client_import
    ):
        importing.import_check(actor=request.membership, client_import=client_import)
    if client_import.status == ImportStatus.UPLOADED:
        template = (
            "clients/_import_checking.html" if request.htmx else "clients/import_checking.html"
        )
        return render(request, template, {"import": client_import})
    if request.htmx:  # the background check is done: show the whole preview
        return _go(request, request.path)
    form = ProblemPageForm(request.GET)
    form.is_valid()
    show, page = form.where()
    preview = importing.import_preview(client_import, show=show, page=page)
    return render(
        request, "clients/import_preview.html", {"import": client_import, "preview": preview}
    )


def _preview_url(client_import: ClientImport, show: str = "", page: int = 1) -> str:
    url = reverse("clients:import_preview", args=[client_import.pk])
    query = urlencode({k: v for k, v in (("show", show), ("page", page)) if v and v != 1})
    return f"{url}?{query}" if query else url


@member_required(Action.EDIT_RECORDS)
@require_POST
def import_choose(request: HttpRequest, import_id: int) -> HttpResponse:
    """Import or skip a likely duplicate, or all of a kind. With htmx, the row comes back with
    the counts and the start button (out of band); without, the same page of the preview."""
    client_import = _import_or_404(request, import_id)
    form = ChooseForm(request.POST)
    valid = form.is_valid()
    show, page = form.where()
    back = _preview_url(client_import, show, page)
    if not valid:
        messages.error(request, _("Choose whether to import or skip a likely duplicate."))
        return _go(request, back)
    data = form.cleaned_data
    try:
        importing.import_choose(
            actor=request.membership,
            client_import=client_import,
            import_it=data["choice"] == "import",
            row=data["row"] if not data["kind"] else None,
            kind=data["kind"] or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _go(request, back)
    if not request.htmx or data["kind"]:
        return _go(request, back)
    problem = client_import.problem_rows.get(row=data["row"])
    problem.importing = importing.import_row_chosen(client_import, problem)
    context = {
        "import": client_import,
        "problem": problem,
        "preview": importing.import_preview(client_import, show=show, page=page, with_rows=False),
        "oob": True,
    }
    return render(request, "clients/_import_chosen.html", context)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, also for an htmx poll (which would otherwise swap the page into itself)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@member_required(Action.EDIT_RECORDS)
@require_POST
def import_start(request: HttpRequest, import_id: int) -> HttpResponse:
    client_import = _import_or_404(request, import_id)
    try:
        importing.import_start(actor=request.membership, client_import=client_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clients:import_preview", client_import.pk)
    return redirect(_status_url(client_import))


@member_required(Action.EDIT_RECORDS)
@require_GET
def import_status(request: HttpRequest, import_id: int) -> HttpResponse:
    client_import = _import_or_404(request, import_id)
    importing.import_fail_if_stalled(client_import)
    if client_import.status in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
        return _go(request, reverse("clients:import_preview", args=[client_import.pk]))
    if request.htmx:
        context = {"import": client_import, "announce": True}
        return render(request, "clients/_import_progress.html", context)
    return render(request, "clients/import_status.html", {"import": client_import})


@member_required(Action.EDIT_RECORDS)
@require_GET
def import_report(request: HttpRequest, import_id: int) -> FileResponse:
    client_import = _import_or_404(request, import_id)
    report = importing.report_file(client_import)
    if report is None:
        raise Http404
    stem = os.path.splitext(client_import.original_name)[0] or "clients"
    suffix = "rejected" if client_import.status == ImportStatus.DONE else "problems"
    return FileResponse(
        report,
        as_attachment=True,
        filename=f"{stem}-{suffix}.csv",
        content_type="text/csv; charset=utf-8",
    )


# The list page's query-string names, and the longer names other links may use.
_FILTER_ALIASES = {"search": "q", "client_type": "type", "lead_source": "source"}


def filters_from_query(request: HttpRequest) -> ClientFilters:
    """The client list's filters, read from the same query string by the same form."""
    query = request.GET.copy()
    for long_name, name in _FILTER_ALIASES.items():
        if long_name in query and name not in query:
            query.setlist(name, query.getlist(long_name))
    actor = request.membership
    return ClientFilters.from_form(
        ClientFilterForm(query, tags=list(selectors.tags_of_company(viewer=actor)))
    )


@member_required(Action.VIEW_RECORDS)
@require_GET
def export(request: HttpRequest) -> StreamingHttpResponse:
    rows = exporting.export_csv(request.membership, filters_from_query(request))
    return csv_response(rows, filename=f"clients-{timezone.localdate():%Y-%m-%d}.csv")


urlpatterns = [
    path("import/", import_upload, name="import"),
    path("import/<int:import_id>/", import_status, name="import_status"),
    path("import/<int:import_id>/mapping/", import_mapping, name="import_mapping"),
    path("import/<int:import_id>/preview/", import_preview, name="import_preview"),
    path("import/<int:import_id>/choose/", import_choose, name="import_choose"),
    path("import/<int:import_id>/start/", import_start, name="import_start"),
    path("import/<int:import_id>/report/", import_report, name="import_report"),
    path("export/", export, name="export"),
]
