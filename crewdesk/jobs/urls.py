"""The job pages under /app/: the office's jobs, the schedule, the crew's phone view and the
private files of jobs."""

from crewdesk.jobs.views import (
    checklists,
    crew,
    files,
    job_actions,
    job_attachments,
    job_checklist,
    job_form,
    job_list,
    job_page,
    schedule,
)

app_name = "jobs"
urlpatterns = [
    *job_list.urlpatterns,  # jobs/: search and filters
    *job_form.urlpatterns,  # jobs/new/, jobs/<id>/edit/ and the form's client pickers
    *job_page.urlpatterns,  # jobs/<id>/
    *job_actions.urlpatterns,  # jobs/<id>/...: status, bad debt, archive, restore, notes
    *job_checklist.urlpatterns,  # jobs/<id>/checklist/...: tick, add, remove
    *job_attachments.urlpatterns,  # jobs/<id>/attachments/...: upload, remove
    *checklists.urlpatterns,  # jobs/checklists/: the company's checklist templates
    *schedule.urlpatterns,  # schedule/: day and week by employee
    *crew.urlpatterns,  # crew/: my jobs, phone-first
    *files.urlpatterns,  # jobs/<id>/files/<id>/: attachments, permission-checked
]
