from django.urls import path

from techtransfer.core import views

app_name = "core"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("regions/options/", views.region_options, name="region_options"),
    path("organisations/", views.directory, name="directory"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/edit/", views.edit_organisation, name="organisation_edit"),
    path("organisations/<int:pk>/review/", views.review, name="organisation_review"),
    path("organisations/<int:pk>/invite/", views.invite, name="organisation_invite"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="invitation_revoke",
    ),
    path("organisations/<int:pk>/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("organisations/<int:pk>/members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<str:token>/", views.accept_invitation, name="invitation"),
]
