from django.urls import path

from techtransfer.achievements import views_disclosure as views

app_name = "disclosures"

urlpatterns = [
    path("disclosures/", views.disclosure_list, name="list"),
    path("disclosures/new/", views.disclosure_new, name="new"),
    path("disclosures/<int:pk>/", views.disclosure_detail, name="detail"),
    path("disclosures/<int:pk>/edit/", views.disclosure_edit, name="edit"),
    path("disclosures/<int:pk>/submit/", views.disclosure_submit, name="submit"),
    path("disclosures/<int:pk>/assess/", views.disclosure_start, name="start_assessment"),
    path("disclosures/<int:pk>/return/", views.disclosure_return, name="return"),
    path("disclosures/<int:pk>/decide/", views.disclosure_decide, name="decide"),
    path("disclosures/<int:pk>/visibility/", views.disclosure_visibility, name="visibility"),
    path("disclosures/<int:pk>/convert/", views.disclosure_convert, name="convert"),
]
