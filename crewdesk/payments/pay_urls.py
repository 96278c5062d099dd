"""Paying a public link's invoice or batch online (`/d/<token>/pay/`): payments/pay_views.py."""

from django.urls import path

from crewdesk.payments import pay_views as views

app_name = "public_pay"

urlpatterns = [
    path("<str:token>/pay/", views.pay_page, name="pay"),
    path("<str:token>/pay/confirm", views.pay_confirm, name="confirm"),
    path("<str:token>/pay/done", views.pay_done, name="done"),
]
