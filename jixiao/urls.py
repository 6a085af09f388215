from django.contrib.auth.views import LogoutView
from django.urls import include, path

from jixiao.accounts.views import JixiaoLoginView, password_change
from jixiao.api.api import api
from jixiao.web import views as web

# No Django admin: every change goes through a service with its permission check and audit
# entry, and nothing can edit or delete the audit log.
urlpatterns = [
    path("", web.home, name="home"),
    path("context/", web.context_switch, name="context_switch"),
    path("login/", JixiaoLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", password_change, name="password_change"),
    path("org/", include("jixiao.org.urls")),
    path("accounts/", include("jixiao.accounts.urls")),
    path("budget/", include("jixiao.budget.urls")),
    path("library/", include("jixiao.library.urls")),
    path("goals/", include("jixiao.goals.urls")),
    path("monitoring/", include("jixiao.monitoring.urls")),
    path("evaluation/", include("jixiao.evaluation.urls")),
    path("keyeval/", include("jixiao.keyeval.urls")),
    path("rectification/", include("jixiao.rectification.urls")),
    path("results/", include("jixiao.results.urls")),
    path("audit/", include("jixiao.audit.urls")),
    path("api/v1/", api.urls),
]
