"""The job pages under /app/: the office's jobs, the schedule, the crew's phone view and the
private files of jobs."""

from crewdesk.jobs.views import checklists, crew, files, office, schedule

app_name = "jobs"
urlpatterns = [
    *office.urlpatterns,  # jobs/: list, new, detail, edit, status, checklist, notes, photos
    *checklists.urlpatterns,  # jobs/checklists/: the company's checklist templates
    *schedule.urlpatterns,  # schedule/: day and week by employee
    *crew.urlpatterns,  # crew/: my jobs, phone-first
    *files.urlpatterns,  # jobs/<id>/files/<id>/: attachments, permission-checked
]
