from django.urls import path

from crewdesk.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/link/<str:token>/", views.login_link, name="login_link"),
    path("invitations/", views.invitations, name="invitations"),
    path("logout/", views.logout, name="logout"),
    path("account/sessions/", views.sessions, name="sessions"),
    path("app/switch-company/", views.switch_company, name="switch_company"),
    path("app/api-tokens/", views.api_tokens, name="api_tokens"),
    path("app/team/", views.team, name="team"),
    path("app/team/invite/", views.team_invite, name="team_invite"),
    path("app/team/<int:membership_id>/", views.team_member, name="team_member"),
    path(
        "app/team/invitations/<int:invitation_id>/cancel/",
        views.team_invitation_cancel,
        name="team_invitation_cancel",
    ),
]
