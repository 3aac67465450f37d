from django.urls import path

from techtransfer.achievements import views

app_name = "achievements"

urlpatterns = [
    path("achievements/", views.achievement_list, name="list"),
    path("achievements/new/", views.achievement_create, name="create"),
    path("achievements/mine/", views.my_achievements, name="mine"),
    path("achievements/review/", views.review_queue, name="review_queue"),
    path("achievements/<int:pk>/", views.achievement_detail, name="detail"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="edit"),
    path("achievements/<int:pk>/action/", views.achievement_action, name="action"),
    path("achievements/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("achievements/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(
        "achievements/<int:pk>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("achievements/<int:pk>/revisions/<int:revision_id>/", views.revision_decide, name="revision_decide"),
]
