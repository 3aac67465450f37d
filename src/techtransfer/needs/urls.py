from django.urls import path

from techtransfer.needs import views

app_name = "needs"

urlpatterns = [
    path("needs/", views.need_list, name="list"),
    path("needs/new/", views.need_create, name="create"),
    path("needs/mine/", views.my_needs, name="mine"),
    path("needs/review/", views.review_queue, name="review_queue"),
    path("needs/<int:pk>/", views.need_detail, name="detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="edit"),
    path("needs/<int:pk>/action/", views.need_action, name="action"),
]
