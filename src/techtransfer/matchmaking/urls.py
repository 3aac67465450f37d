from django.urls import path

from techtransfer.matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    path("matchmaking/", views.inquiry_list, name="list"),
    path("matchmaking/new/", views.inquiry_start, name="start"),
    path("matchmaking/brokers/", views.brokers, name="brokers"),
    path("matchmaking/<int:pk>/", views.inquiry_detail, name="detail"),
    path("matchmaking/<int:pk>/<str:what>/", views.inquiry_post, name="post"),
]
