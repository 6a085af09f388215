"""The JSON API under /api/v1: one router per app, the same services and selectors as the
pages, session auth for the browser and bearer tokens for systems. OpenAPI at /api/v1/docs,
served from local static files (``ninja`` in INSTALLED_APPS)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from jixiao.api import accounts, budget, evaluation, goals, keyeval, library, monitoring, org, rectification, results
from jixiao.api.auth import AUTH
from jixiao.core.errors import DomainError, Forbidden

api = NinjaAPI(
    title="绩效 预算绩效管理系统 API",
    version="1",
    description="预算单位、业务股室、用户等接口。浏览器使用登录会话；系统对接使用 `Authorization: Bearer <令牌>`。",
    auth=AUTH,
    urls_namespace="api-1",
    docs_url="/docs",
    # No validator badge: Swagger UI would fetch it from the internet.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=login_required,
)
api.add_router("/", org.router)
api.add_router("/", accounts.router)
api.add_router("/", budget.router)
api.add_router("/", library.router)
api.add_router("/", goals.router)
api.add_router("/", monitoring.router)
api.add_router("/", evaluation.router)
api.add_router("/", rectification.router)
api.add_router("/", keyeval.router)
api.add_router("/", results.router)


@api.exception_handler(Forbidden)
def _forbidden(request: HttpRequest, exc: Forbidden) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=400)
