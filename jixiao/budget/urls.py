from django.urls import path

from jixiao.budget import views

app_name = "budget"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("import/", views.budget_import, name="import"),
    path("import/commit/", views.budget_import_commit, name="import_commit"),
]
