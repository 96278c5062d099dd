"""The client pages under /app/clients/, one module per part of the work."""

from crewdesk.clients.views import directory, merge, portal, profile, quality, transfer

app_name = "clients"
urlpatterns = [
    *directory.urlpatterns,  # list, search, new, edit, archive, delete
    *profile.urlpatterns,  # profile, contacts, tags, reminders, notices, notes and files
    *portal.urlpatterns,  # the client's logins to the customer portal
    *merge.urlpatterns,  # suspected duplicates, merge
    *transfer.urlpatterns,  # CSV import and export
    *quality.urlpatterns,  # data quality
]
