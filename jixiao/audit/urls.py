from django.urls import path

from jixiao.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list_view, name="entry_list"),
    path("history/<str:target_type>/<str:target_id>/", views.object_history, name="object_history"),
]
