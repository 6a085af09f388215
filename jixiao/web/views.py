from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jixiao.org.models import PhaseWindow
from jixiao.web.decorators import ctx_of, require_perm
from jixiao.web.todo import todos_for


@require_perm(None)
def home(request: HttpRequest) -> HttpResponse:
    ctx = ctx_of(request)
    today = timezone.localdate()
    open_phases = []
    if ctx.region is not None:
        windows = PhaseWindow.objects.filter(
            fiscal_year__region=ctx.region, starts_on__lte=today, ends_on__gte=today
        ).select_related("fiscal_year")
        open_phases = [{"window": w, "days_left": (w.ends_on - today).days} for w in windows]
    return render(
        request,
        "web/home.html",
        {"todos": todos_for(request.user, ctx), "open_phases": open_phases, "today": today},
    )


@require_POST
@require_perm(None)
def context_switch(request: HttpRequest) -> HttpResponse:
    """Remember the region and fiscal year chosen in the switcher. The middleware accepts the
    choice only when the actor may work there, so a forged value falls back to the default."""
    region = request.POST.get("region", "")
    year = request.POST.get("year", "")
    # ASCII digits only ("²".isdigit() is true), within sane bounds.
    if region.isascii() and region.isdecimal() and len(region) < 18:
        request.session["jx_region"] = int(region)
    if year.isascii() and year.isdecimal() and len(year) == 4:
        request.session["jx_year"] = int(year)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
