from django.urls import path

from techtransfer.achievements import views_catalogue as views

app_name = "catalogues"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("new/", views.catalogue_create, name="create"),
    path("<int:pk>/", views.catalogue_detail, name="detail"),
    path("<int:pk>/download/<str:fmt>/", views.download, name="download"),
    path("<int:pk>/edit/", views.catalogue_edit, name="edit"),
    path("<int:pk>/settings/", views.catalogue_update, name="update"),
    path("<int:pk>/add-matching/", views.add_matching, name="add_matching"),
    path("<int:pk>/entries/add/", views.entry_add, name="entry_add"),
    path("<int:pk>/entries/<int:entry_id>/note/", views.entry_note, name="entry_note"),
    path("<int:pk>/entries/<int:entry_id>/move/", views.entry_move, name="entry_move"),
    path("<int:pk>/entries/<int:entry_id>/remove/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/access/admit/", views.admit, name="admit"),
    path("<int:pk>/access/<int:org_id>/revoke/", views.revoke, name="revoke"),
]
