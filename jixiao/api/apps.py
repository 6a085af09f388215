from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jixiao.api"
    verbose_name = "接口"
