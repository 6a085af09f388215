from django.urls import path

from jixiao.monitoring import views, views_io

app_name = "monitoring"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/refresh/", views.round_refresh, name="round_refresh"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/export/", views_io.round_export, name="round_export"),
    path("rounds/<int:pk>/template/", views_io.report_template, name="report_template"),
    path("import/", views_io.report_import, name="import"),
    path("import/commit/", views_io.report_import_commit, name="import_commit"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/transition/", views.report_transition, name="report_transition"),
    path("reports/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("reports/<int:pk>/decide/", views.decision_create, name="decision_create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("projects/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/answer/", views.decision_answer, name="decision_answer"),
    path("decisions/<int:pk>/close/", views.decision_close, name="decision_close"),
    path("holidays/", views.holidays, name="holidays"),
    path("holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
    path("rules/", views.rules, name="rules"),
]
