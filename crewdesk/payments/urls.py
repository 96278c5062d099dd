"""The office's payments pages under /app/: the list, recording a payment, a payment and its
actions, the approval queue, aging."""

from crewdesk.payments.views import aging, approvals, payment_form, payment_list, payment_page

app_name = "payments"
urlpatterns = [
    *payment_list.urlpatterns,  # payments/: search and filters
    *payment_form.urlpatterns,  # payments/new/
    *approvals.urlpatterns,  # payments/approvals/: customers' reports to approve or reject
    *aging.urlpatterns,  # payments/aging/ and its CSV
    *payment_page.urlpatterns,  # payments/<id>/ and its actions
]
