"""The company's checklist templates (the office): list, new/edit with item rows, archive.
A job copies a template's items when it is created; changing a template later leaves the
jobs' copies as they are."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.jobs import selectors, services
from crewdesk.jobs.forms import ChecklistTemplateForm
from crewdesk.jobs.models import ChecklistTemplate


def _template_or_404(request: HttpRequest, template_id) -> ChecklistTemplate:
    try:
        return selectors.checklist_templates(viewer=request.membership, include_archived=True).get(
            pk=int(template_id)
        )
    except (ObjectDoesNotExist, TypeError, ValueError) as error:
        raise Http404 from error


@member_required(Action.VIEW_RECORDS)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    templates = selectors.checklist_templates(
        viewer=request.membership, include_archived=show_archived
    )
    if show_archived:
        templates = templates.filter(archived_at__isnull=False)
    return render(
        request,
        "jobs/checklists.html",
        {"templates": list(templates[:500]), "show_archived": show_archived},
    )


def _form_page(request: HttpRequest, template: ChecklistTemplate | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ChecklistTemplateForm(
        data,
        items=template.items.all() if template else (),
        initial={
            "name": template.name if template else "",
            "required_blocks_finish": template.required_blocks_finish if template else True,
        },
    )
    if form.is_bound and form.is_valid():
        try:
            saved = services.checklist_template_save(
                actor=request.membership,
                template=template,
                name=form.cleaned_data["name"],
                items=form.items(),
                required_blocks_finish=form.cleaned_data["required_blocks_finish"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Checklist “%(name)s” saved.") % {"name": saved.name})
            return redirect("jobs:checklists")
    return render(request, "jobs/checklist_form.html", {"form": form, "template": template})


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    return _form_page(request, _template_or_404(request, template_id))


@member_required(Action.EDIT_RECORDS)
@require_POST
def template_archive(request: HttpRequest, template_id: int) -> HttpResponse:
    template = _template_or_404(request, template_id)
    services.checklist_template_archive(actor=request.membership, template=template)
    messages.success(
        request,
        _("Checklist “%(name)s” archived: new jobs no longer offer it.") % {"name": template.name},
    )
    return redirect("jobs:checklists")


urlpatterns = [
    path("jobs/checklists/", template_list, name="checklists"),
    path("jobs/checklists/new/", template_new, name="checklist_new"),
    path("jobs/checklists/<int:template_id>/", template_edit, name="checklist_edit"),
    path("jobs/checklists/<int:template_id>/archive/", template_archive, name="checklist_archive"),
]
