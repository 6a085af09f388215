from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

Handler = Callable[[HttpRequest], HttpResponse]
_MESSAGE = "请求中含有不允许的控制字符（NUL），未作处理"


class RejectNulMiddleware:
    """A NUL character can be stored by SQLite but makes PostgreSQL fail mid-query; no form
    field of Jixiao needs one, so the request is refused before any view sees it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _MESSAGE}, status=400)
            return HttpResponse(_MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any("\x00" in v for vs in request.GET.lists() for v in [vs[0], *vs[1]]):
            return True
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded" or content_type.startswith("multipart/"):
            return any("\x00" in v for vs in request.POST.lists() for v in [vs[0], *vs[1]])
        if content_type == "application/json":
            return b"\\u0000" in request.body or b"\x00" in request.body
        return False
