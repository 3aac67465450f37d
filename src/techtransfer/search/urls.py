from django.urls import path

from techtransfer.search import views, views_classify

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/classify/", views_classify.classify_suggest, name="classify"),
]
