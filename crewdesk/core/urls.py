from django.urls import path

from crewdesk.core import views

app_name = "core"

urlpatterns = [
    path("activity/", views.activity, name="activity"),
    path("settings/company/", views.company_settings, name="company_settings"),
]
