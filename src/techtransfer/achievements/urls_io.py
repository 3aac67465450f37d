from django.urls import path

from techtransfer.achievements import views_io

app_name = "achievements_io"

urlpatterns = [
    path("achievements/import/", views_io.import_achievements, name="import"),
    path("achievements/import/template.<str:fmt>", views_io.template_download, name="template"),
    path("achievements/export/", views_io.export_achievements, name="export"),
]
