from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "crewdesk.accounts"
    label = "accounts"
