"""The office's billing pages under /app/: invoices, ready to invoice, batches."""

from crewdesk.billing.views import batches, invoice_form, invoice_list, invoice_page, ready

app_name = "billing"
urlpatterns = [
    *invoice_list.urlpatterns,  # invoices/: search and filters
    *ready.urlpatterns,  # invoices/ready/: finished jobs not yet invoiced, "Invoice these"
    *invoice_form.urlpatterns,  # invoices/new/, invoices/<id>/edit/, invoices/from-job/<id>/
    *invoice_page.urlpatterns,  # invoices/<id>/ and its actions: issue, void, write off, delete
    *batches.urlpatterns,  # batches/, batches/new/, batches/<id>/
]
