from django.urls import path

from techtransfer.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("audit/export/", views.export, name="export"),
]
