"""The office's schedule: a day or a week of jobs by crew member, and moving a job to another
day or person (drag and drop in schedule.js, or the small move form for keyboards and phones).

Rows are the company's active staff, after an "Unassigned" row; a job with two crew members
shows in both rows. Every job of the period is read in one query (plus the prefetch of crews),
whatever the number of jobs and people.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import crew_list
from crewdesk.core import dates
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import next_url, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.responses import json_refusal, wants_json
from crewdesk.jobs import selectors, services
from crewdesk.jobs.models import Job

VIEWS = ("day", "week")
# A big company's schedule comes a page of people at a time, and a busy cell shows its first
# cards with a link to the rest in the jobs list: the page stays quick to read and to render.
PEOPLE_PER_PAGE = 25  # a day; a week shows fewer (WEEK_PEOPLE_PER_PAGE)
WEEK_PEOPLE_PER_PAGE = 10
CARDS_PER_CELL = 12
UNASSIGNED = ""  # the key of the "Unassigned" row, and the assignee value that means it


@dataclass
class Row:
    key: str  # membership id as a string, or UNASSIGNED
    label: str
    role: str = ""
    cells: list = field(default_factory=list)  # one list of cards per day

    @property
    def count(self) -> int:
        return sum(len(cell["jobs"]) + cell.get("more", 0) for cell in self.cells)

    @property
    def is_unassigned(self) -> bool:
        return self.key == UNASSIGNED


def _parse_day(value: str | None) -> datetime.date:
    """The day asked for; today for nonsense or a day outside the calendar we keep."""
    return dates.parse_day(value) or timezone.localdate()


def _period(view: str, day: datetime.date) -> tuple[datetime.date, datetime.date, int]:
    if view == "week":
        first = day - datetime.timedelta(days=day.weekday())  # the company's week: Mon–Sun
        return first, first + datetime.timedelta(days=6), 7
    return day, day, 1


def schedule_url(view: str, day: datetime.date) -> str:
    return reverse("jobs:schedule") + "?" + urlencode({"view": view, "date": day.isoformat()})


def _staff(actor: Membership) -> list[Membership]:
    return list(crew_list(viewer=actor).order_by("user__username"))


def _card(job: Job) -> dict:
    return {
        "job": job,
        "url": url_or_none("jobs:detail", job.pk),
        "move_url": reverse("jobs:schedule_move", args=[job.pk]),
        "movable": job.is_open,
        "assignee_keys": [str(a.membership_id) for a in job.assignments.all()],
        "crew": [a.membership.user.display_name for a in job.assignments.all()],
    }


def build_rows(
    actor: Membership,
    jobs: list[Job],
    days: list[datetime.date],
    staff: list[Membership] | None = None,
    *,
    unassigned_totals: dict[datetime.date, int] | None = None,
) -> list[Row]:
    """The grid: the Unassigned row first, then each active staff member of `staff` (all by
    default; plus anyone no longer active who still has jobs in the period), each with one
    cell of cards per day."""
    index = {day: i for i, day in enumerate(days)}
    rows: dict[str, Row] = {UNASSIGNED: Row(UNASSIGNED, _("Unassigned"))}
    shown = {m.pk for m in staff} if staff is not None else None
    for member in staff if staff is not None else _staff(actor):
        rows[str(member.pk)] = Row(str(member.pk), member.user.display_name, member.role)
    for row in rows.values():
        row.cells = [{"day": day, "jobs": []} for day in days]
    for job in jobs:
        card = None
        assignments = list(job.assignments.all())
        for assignment in assignments or [None]:
            if assignment and shown is not None and assignment.membership_id not in shown:
                continue  # on another page of people
            key = str(assignment.membership_id) if assignment else UNASSIGNED
            if key not in rows:
                member = assignment.membership
                rows[key] = Row(key, member.user.display_name, member.role)
                rows[key].cells = [{"day": day, "jobs": []} for day in days]
            cell = rows[key].cells[index[job.scheduled_date]]
            if len(cell["jobs"]) < CARDS_PER_CELL:
                card = card or _card(job)
                cell["jobs"].append(card)
            else:
                cell["more"] = cell.get("more", 0) + 1
    for cell in rows[UNASSIGNED].cells:
        # Only the unassigned jobs shown were read: the others are counted.
        total = (unassigned_totals or {}).get(cell["day"], 0)
        if total > len(cell["jobs"]):
            cell["more"] = total - len(cell["jobs"])
    for row in rows.values():
        for cell in row.cells:
            if cell.get("more"):
                cell["more_url"] = _jobs_list_url(row.key, cell["day"])
    return list(rows.values())


def _jobs_list_url(row_key: str, day: datetime.date) -> str | None:
    """The jobs list showing a whole cell: that person's (or nobody's) jobs of that day."""
    url = url_or_none("jobs:list")
    if url is None:
        return None
    query = {"employee": row_key or "0", "date_from": day.isoformat(), "date_to": day.isoformat()}
    return f"{url}?{urlencode(query)}"


@require_GET
@member_required(Action.VIEW_RECORDS)
def schedule(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "week"
    day = _parse_day(request.GET.get("date"))
    first, last, length = _period(view, day)
    days = [first + datetime.timedelta(days=i) for i in range(length)]
    staff = _staff(actor)
    per_page = WEEK_PEOPLE_PER_PAGE if view == "week" else PEOPLE_PER_PAGE
    pages = max(1, -(-len(staff) // per_page))
    try:
        people_page = min(max(int(request.GET.get("people", 1)), 1), pages)
    except ValueError:
        people_page = 1
    shown = staff[(people_page - 1) * per_page : people_page * per_page]
    if pages > 1:
        jobs, unassigned = selectors.schedule_jobs(
            viewer=actor, first=first, last=last, members=shown, unassigned_per_day=CARDS_PER_CELL
        )
        rows = build_rows(actor, jobs, days, shown, unassigned_totals=unassigned)
    else:  # one page: every job, the crews no longer active too
        jobs = list(selectors.jobs_between(viewer=actor, first=first, last=last))
        rows = build_rows(actor, jobs, days, staff)
    step = datetime.timedelta(days=length)
    today = timezone.localdate()
    context = {
        "view": view,
        "day": day,
        "first": first,
        "last": last,
        "days": days,
        "today": today,
        "rows": rows,
        "job_count": len(jobs),
        "prev_url": schedule_url(view, day - step),
        "next_url": schedule_url(view, day + step),
        "today_url": schedule_url(view, today),
        "day_url": schedule_url("day", day),
        "week_url": schedule_url("week", day),
        "here": schedule_url(view, day) + (f"&people={people_page}" if people_page > 1 else ""),
        "new_job_url": url_or_none("jobs:new"),
        "can_move": can(actor, Action.EDIT_RECORDS),
        "people": _people_pager(view, day, people_page, pages, len(staff), per_page),
    }
    return render(request, "jobs/schedule.html", context)


def _people_pager(
    view: str, day: datetime.date, page: int, pages: int, total: int, per_page: int
) -> dict:
    def url(n: int) -> str:
        return schedule_url(view, day) + f"&people={n}"

    return {
        "page": page,
        "pages": pages,
        "first": (page - 1) * per_page + 1,
        "last": min(page * per_page, total),
        "total": total,
        "prev_url": url(page - 1) if page > 1 else None,
        "next_url": url(page + 1) if page < pages else None,
    }


def _next_url(request: HttpRequest, job: Job) -> str:
    return next_url(request, schedule_url("week", job.scheduled_date))


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def schedule_move(request: HttpRequest, job_id: int) -> HttpResponse:
    """GET: the move form of one job (the keyboard / no-JS way). POST `date` and/or
    `assignee` (a membership id, or "" for unassigned): the job moves, or the reason it cannot."""
    actor = request.membership
    try:
        job = selectors.job_get(viewer=actor, job_id=job_id)
    except Job.DoesNotExist as error:
        raise Http404 from error
    errors: list[str] = []
    values = {
        "date": job.scheduled_date.isoformat(),
        "assignee": next((str(a.membership_id) for a in job.assignments.all()), UNASSIGNED),
    }
    assignee_was = values["assignee"]
    if request.method == "POST":
        changes = {}
        if "date" in request.POST:
            values["date"] = request.POST["date"]
            try:
                day = parse_date(request.POST["date"].strip())
            except ValueError:
                day = None
            if day is None:
                errors.append(_("Enter the day as YYYY-MM-DD."))
            else:
                changes["day"] = day
        if "assignee" in request.POST:
            values["assignee"] = request.POST["assignee"]
            # The form sends the crew it showed: unchanged, a crew of two stays two.
            if request.POST.get("assignee_was") != request.POST["assignee"]:
                changes["assignee"] = request.POST["assignee"].strip() or None
        if not changes and not errors and "assignee_was" not in request.POST:
            errors.append(_("Choose a day or a person to move the job to."))
        if not errors:
            try:
                services.job_move(actor=actor, job=job, **changes)
            except ValidationError as error:
                errors.extend(error.messages)
        if not errors:
            if wants_json(request):
                return JsonResponse({"ok": True, "date": job.scheduled_date.isoformat()})
            messages.success(request, _("%(job)s moved.") % {"job": job})
            return redirect(_next_url(request, job))
        if wants_json(request):
            return json_refusal(" ".join(errors))
    context = {
        "job": job,
        "errors": errors,
        "values": values,
        "assignee_was": assignee_was,
        "staff": _staff(actor),
        "next": _next_url(request, job),
        "is_open": job.is_open,
    }
    return render(request, "jobs/schedule_move.html", context, status=400 if errors else 200)


urlpatterns = [
    path("schedule/", schedule, name="schedule"),
    path("schedule/jobs/<int:job_id>/move/", schedule_move, name="schedule_move"),
]
