from django.urls import path

from techtransfer.contracts import views, views_stats

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/new/", views.contract_create, name="create"),
    path("contracts/registration/", views.registration_queue, name="queue"),
    path("contracts/statistics/", views_stats.statistics, name="statistics"),
    path("contracts/statistics/export.xlsx", views_stats.statistics_xlsx, name="statistics_xlsx"),
    path("contracts/statistics/summary/", views_stats.public_summary, name="summary"),
    path("contracts/subsidies/", views_stats.subsidies_view, name="subsidies"),
    path("contracts/<int:pk>/", views.contract_detail, name="detail"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="edit"),
    path("contracts/<int:pk>/file/", views.contract_file, name="file"),
    path("contracts/<int:pk>/file/download/", views.contract_download, name="download"),
    path("contracts/<int:pk>/action/", views.contract_action, name="action"),
]
