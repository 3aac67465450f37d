from django.urls import path

from techtransfer.search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/similar/<str:type_name>/<str:pk>/", views.similar_panel, name="similar"),
    path("search/recommend/<str:type_name>/<str:pk>/", views.recommend_panel, name="recommend"),
]
