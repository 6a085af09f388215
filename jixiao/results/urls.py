from django.urls import path

from jixiao.results import views

app_name = "results"

urlpatterns = [
    path("", views.recommendation_list, name="list"),
    path("draft/", views.draft, name="draft"),
    path("export/", views.export, name="export"),
    path("accept/", views.accept_all, name="accept_all"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/override/", views.override, name="override"),
]
