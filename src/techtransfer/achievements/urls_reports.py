from django.urls import path

from techtransfer.achievements import views_reports as views

app_name = "reports"

urlpatterns = [
    path("reports/programmes/", views.programme_list, name="programme_list"),
    path("reports/programmes/new/", views.programme_new, name="programme_new"),
    path("reports/programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("reports/programmes/<int:pk>/projects/new/", views.project_new, name="project_new"),
    path("reports/programmes/<int:pk>/remind/", views.programme_remind, name="remind"),
    path("reports/projects/", views.my_projects, name="my_projects"),
    path("reports/projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("reports/projects/<int:pk>/file/", views.project_file, name="file"),
]
