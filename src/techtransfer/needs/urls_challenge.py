from django.urls import path

from techtransfer.needs import views_challenge as views

app_name = "challenges"

urlpatterns = [
    path("challenges/", views.challenge_list, name="list"),
    path("needs/<int:need_pk>/challenge/", views.challenge_create, name="create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="detail"),
    path("challenges/<int:pk>/accept/", views.challenge_accept, name="accept"),
    path("challenges/<int:pk>/proposal/", views.proposal_save, name="proposal_save"),
    path("challenges/<int:pk>/experts/", views.expert_add, name="expert_add"),
    path("challenges/<int:pk>/conflicts/", views.conflicts_declare, name="conflicts"),
    path("challenges/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("challenges/<int:pk>/award/", views.award, name="award"),
    path("challenges/<int:pk>/statistics/", views.challenge_stats, name="stats"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
]
