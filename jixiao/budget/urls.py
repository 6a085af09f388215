from django.urls import path

from jixiao.budget import views

app_name = "budget"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("import/", views.budget_import, name="import"),
    path("import/commit/", views.budget_import_commit, name="import_commit"),
]
