"""What the office's job pages share: finding the job (404 for one the member may not see),
where to go back to, and the crew to choose from."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from crewdesk.core.navigation import next_url, url_or_none
from crewdesk.jobs import selectors
from crewdesk.jobs.models import Job


def job_or_404(request: HttpRequest, job_id) -> Job:
    try:
        return selectors.job_get(viewer=request.membership, job_id=job_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def detail_url(job: Job | int) -> str:
    return reverse("jobs:detail", args=[getattr(job, "pk", job)])


def to_crew(name: str, *args) -> HttpResponse:
    """An employee is sent to the crew's view of the same thing (403 while it does not exist)."""
    url = url_or_none(name, *args)
    if url is None:
        raise PermissionDenied
    return redirect(url)


def back_url(request: HttpRequest, job: Job) -> str:
    return next_url(request, detail_url(job))


def crew_names(job: Job) -> list[str]:
    return [a.membership.user.display_name for a in job.assignments.all()]
