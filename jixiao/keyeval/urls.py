from django.urls import path

from jixiao.keyeval import views, views_agencies

app_name = "keyeval"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("select/", views.select, name="select"),
    path("<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("<int:pk>/declare/", views.declare, name="declare"),
    path("<int:pk>/items/", views.items_edit, name="items_edit"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/report/", views.report_download, name="report_download"),
    path("<int:pk>/outline/", views.outline, name="outline"),
    path("<int:pk>/scores.xlsx", views.scores_export, name="scores_export"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/return/", views.return_report, name="return_report"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("agencies/", views_agencies.agency_list, name="agency_list"),
    path("agencies/new/", views_agencies.agency_new, name="agency_new"),
    path("agencies/<int:pk>/", views_agencies.agency_detail, name="agency_detail"),
    path("agencies/<int:pk>/edit/", views_agencies.agency_edit, name="agency_edit"),
]
