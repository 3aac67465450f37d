from django.urls import path

from techtransfer.search import subscription_views, views, views_classify, views_index

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/similar/<str:type_name>/<str:pk>/", views.similar_panel, name="similar"),
    path("search/recommend/<str:type_name>/<str:pk>/", views.recommend_panel, name="recommend"),
    path("search/suggest", views.suggest, name="suggest"),
    path("search/subscriptions/", subscription_views.subscription_list, name="subscriptions"),
    path("search/subscriptions/new/", subscription_views.subscription_create, name="subscription_new"),
    path("search/subscriptions/save/", subscription_views.subscription_save_search, name="subscription_save"),
    path("search/subscriptions/<int:pk>/", subscription_views.subscription_edit, name="subscription_edit"),
    path("search/subscriptions/<int:pk>/toggle/", subscription_views.subscription_toggle, name="subscription_toggle"),
    path("search/subscriptions/<int:pk>/delete/", subscription_views.subscription_delete, name="subscription_delete"),
    path("search/classify/", views_classify.classify_suggest, name="classify"),
    path("search/index/", views_index.index_status, name="index_status"),
]
