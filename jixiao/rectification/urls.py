from django.urls import path

from jixiao.rectification import views

app_name = "rectification"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_new, name="item_new"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/answer/", views.item_answer, name="item_answer"),
    path("<int:pk>/close/", views.item_close, name="item_close"),
    path("<int:pk>/return/", views.item_return, name="item_return"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]
