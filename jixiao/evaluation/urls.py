from django.urls import path

from jixiao.evaluation import views, views_io

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/refresh/", views.round_refresh, name="round_refresh"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/sample/", views.sample_draw, name="sample_draw"),
    path("rounds/<int:pk>/export/", views_io.round_export, name="round_export"),
    path("rounds/<int:pk>/template/", views_io.form_template, name="form_template"),
    path("import/", views_io.form_import, name="import"),
    path("import/commit/", views_io.form_import_commit, name="import_commit"),
    path("forms/", views.my_forms, name="my_forms"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("forms/<int:pk>/preview/", views.form_preview, name="form_preview"),
    path("forms/<int:pk>/transition/", views.form_transition, name="form_transition"),
    path("forms/<int:pk>/recheck/", views.recheck, name="recheck"),
    path("forms/<int:pk>/export/", views_io.form_export, name="form_export"),
    path("forms/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("rules/", views.rules, name="rules"),
]
