from django.urls import path

from jixiao.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/export/", views.unit_export, name="unit_export"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/commit/", views.unit_import_commit, name="unit_import_commit"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("sections/", views.section_list, name="section_list"),
    path("sections/new/", views.section_create, name="section_create"),
    path("sections/<int:pk>/", views.section_detail, name="section_detail"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("years/", views.fiscal_year_list, name="fiscal_year_list"),
    path("years/new/", views.fiscal_year_create, name="fiscal_year_create"),
    path("years/<int:pk>/edit/", views.fiscal_year_edit, name="fiscal_year_edit"),
]
