from django.urls import path

from techtransfer.matchmaking import views_events as views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_create, name="create"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/<str:what>/", views.event_post, name="post"),
]
