from django.urls import path

from jixiao.goals import views, views_io, views_office

app_name = "goals"
urlpatterns = [
    path("", views.sheet_list, name="sheet_list"),
    path("queue/", views.queue, name="queue"),
    path("units/", views.unit_summary, name="unit_summary"),
    path("units/<int:unit_id>/", views.unit_sheets, name="unit_sheets"),
    path("new/", views.sheet_create, name="sheet_create"),
    path("<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("<int:pk>/edit/", views.sheet_edit, name="sheet_edit"),
    path("<int:pk>/check/", views.sheet_check, name="sheet_check"),
    path("<int:pk>/transition/", views.sheet_transition, name="sheet_transition"),
    path("<int:pk>/rereview/", views.sheet_rereview, name="sheet_rereview"),
    path("template/", views_io.template_download, name="template"),
    path("import/", views_io.sheet_import, name="import"),
    path("import/commit/", views_io.sheet_import_commit, name="import_commit"),
    path("batch/", views_office.batch_start, name="batch_start"),
    path("batch/<int:pk>/", views_office.batch_status, name="batch_status"),
    path("rules/", views_office.rules, name="rules"),
]
