from django.urls import path

from jixiao.library import views

app_name = "library"
urlpatterns = [
    path("", views.indicator_list, name="indicator_list"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("indicators/<int:pk>/review/", views.proposal_review, name="proposal_review"),
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("layout/", views.layout_change, name="layout"),
    path("recommend/<int:project_pk>/", views.recommend, name="recommend"),
    path("export/", views.export, name="export"),
    path("import/", views.library_import, name="import"),
    path("import/commit/", views.library_import_commit, name="import_commit"),
]
