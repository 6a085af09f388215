from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from jixiao.accounts import selectors, services
from jixiao.accounts.models import User
from jixiao.api.auth import require
from jixiao.api.pagination import Pages
from jixiao.core.errors import DomainError
from jixiao.org.models import FinanceSection, Region, Unit
from jixiao.web.decorators import ctx_of

router = Router(tags=["用户"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    region_code: str | None
    unit_code: str | None
    section: str | None
    organization: str
    is_active: bool
    locked: bool
    must_change_password: bool

    @staticmethod
    def resolve_region_code(obj: User) -> str | None:
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_unit_code(obj: User) -> str | None:
        return obj.unit.code if obj.unit else None

    @staticmethod
    def resolve_section(obj: User) -> str | None:
        return obj.section.name if obj.section else None

    @staticmethod
    def resolve_locked(obj: User) -> bool:
        return obj.is_locked()


class MeOut(UserOut):
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj: User) -> list[str]:
        return sorted(obj.permissions)


class UserCreateIn(Schema):
    username: str
    full_name: str
    role: str
    password: str
    region_code: str | None = None
    unit_code: str | None = None
    section: str | None = None
    organization: str = ""
    phone: str = ""


class UserUpdateIn(Schema):
    full_name: str
    role: str
    region_code: str | None = None
    unit_code: str | None = None
    section: str | None = None
    organization: str = ""
    phone: str = ""
    is_active: bool = True


def _placement(
    request: HttpRequest, region_code: str | None, unit_code: str | None, section: str | None
) -> tuple[Region | None, Unit | None, FinanceSection | None]:
    ctx = ctx_of(request)
    regions = {r.code: r for r in ctx.regions}
    region = regions.get(region_code) if region_code else ctx.region
    if region_code and region is None:
        raise DomainError(f"行政区划「{region_code}」不存在或不在本人管辖范围内", field="region_code")
    unit = None
    if unit_code:
        unit = Unit.objects.with_scope(region=[region.pk] if region else [], unit=None).filter(code=unit_code).first()
        if unit is None:
            raise DomainError(f"单位编码「{unit_code}」不存在", field="unit_code")
    found_section = None
    if section:
        found_section = (
            FinanceSection.objects.with_scope(region=[region.pk] if region else []).filter(name=section).first()
        )
        if found_section is None:
            raise DomainError(f"业务股室「{section}」不存在", field="section")
    return region, unit, found_section


@router.get("/me", response=MeOut, summary="当前用户及其权限")
def me(request: HttpRequest) -> Any:
    return request.user


@router.get("/users", response=list[UserOut], summary="用户列表")
@paginate(Pages, page_size=100)
def list_users(request: HttpRequest, q: str = "", role: str = "") -> Any:
    require(request, "accounts.view")
    return selectors.user_list(actor=request.user, ctx=ctx_of(request), q=q, role=role)


@router.get("/users/{int:user_id}", response=UserOut, summary="用户详情")
def get_user(request: HttpRequest, user_id: int) -> Any:
    require(request, "accounts.view")
    return selectors.user_get(actor=request.user, ctx=ctx_of(request), pk=user_id)


@router.post("/users", response={201: UserOut}, summary="创建用户（首次登录须修改密码）")
def create_user(request: HttpRequest, payload: UserCreateIn) -> Any:
    require(request, "accounts.manage")
    region, unit, section = _placement(request, payload.region_code, payload.unit_code, payload.section)
    user = services.user_create(
        actor=request.user,
        username=payload.username,
        full_name=payload.full_name,
        role=payload.role,
        region=region,
        unit=unit,
        section=section,
        organization=payload.organization,
        phone=payload.phone,
        password=payload.password,
    )
    return Status(201, user)


@router.put("/users/{int:user_id}", response=UserOut, summary="修改用户")
def update_user(request: HttpRequest, user_id: int, payload: UserUpdateIn) -> Any:
    require(request, "accounts.manage")
    user = selectors.user_get(actor=request.user, ctx=ctx_of(request), pk=user_id)
    region, unit, section = _placement(request, payload.region_code, payload.unit_code, payload.section)
    return services.user_update(
        actor=request.user,
        user=user,
        full_name=payload.full_name,
        role=payload.role,
        region=region,
        unit=unit,
        section=section,
        organization=payload.organization,
        phone=payload.phone,
        is_active=payload.is_active,
    )
