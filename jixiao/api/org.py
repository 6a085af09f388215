from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jixiao.api.auth import require
from jixiao.api.pagination import Pages
from jixiao.core.errors import DomainError
from jixiao.org import selectors, services
from jixiao.org.imports import UnitImportPlan
from jixiao.org.models import Unit, UnitKind
from jixiao.web.decorators import ctx_of
from jixiao.web.uploads import read_upload

router = Router(tags=["组织机构"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    section: str | None
    active: bool

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return UnitKind(obj.kind).label

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent else None

    @staticmethod
    def resolve_section(obj: Unit) -> str | None:
        return obj.section.name if obj.section else None


class IssueOut(Schema):
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    expected: str
    message: str


class ChangeOut(Schema):
    code: str
    name: str
    action: str
    changes: dict[str, list[str]]


class ImportOut(Schema):
    ok: bool
    committed: bool
    created: int
    updated: int
    unchanged: int
    issues: list[IssueOut]
    changes: list[ChangeOut]


class SectionOut(Schema):
    id: int
    name: str
    duties: str
    unit_codes: list[str]

    @staticmethod
    def resolve_unit_codes(obj: Any) -> list[str]:
        return sorted(u.code for u in obj.units.all())


class SectionIn(Schema):
    name: str
    duties: str = ""
    unit_codes: list[str] = []


class PhaseOut(Schema):
    phase: str
    label: str
    starts_on: str
    ends_on: str


class FiscalYearOut(Schema):
    id: int
    year: int
    phases: list[PhaseOut]

    @staticmethod
    def resolve_phases(obj: Any) -> list[dict[str, str]]:
        return [
            {
                "phase": w.phase,
                "label": w.get_phase_display(),
                "starts_on": w.starts_on.isoformat(),
                "ends_on": w.ends_on.isoformat(),
            }
            for w in obj.phases.all()
        ]


@router.get("/units", response=list[UnitOut], summary="预算单位列表（本人可见范围）")
@paginate(Pages, page_size=100)
def list_units(request: HttpRequest, q: str = "") -> Any:
    require(request, "org.view")
    return selectors.unit_list(actor=request.user, ctx=ctx_of(request), q=q)


@router.get("/units/{int:unit_id}", response=UnitOut, summary="预算单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> Any:
    require(request, "org.view")
    return selectors.unit_get(actor=request.user, ctx=ctx_of(request), pk=unit_id)


def _plan_out(plan: UnitImportPlan, committed: bool) -> dict[str, Any]:
    return {
        "ok": plan.ok,
        "committed": committed,
        "created": plan.count("create"),
        "updated": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "issues": [{**i.__dict__, "message": i.message()} for i in plan.issues],
        "changes": [
            {
                "code": c.code,
                "name": c.name,
                "action": c.action,
                "changes": {k: list(v) for k, v in c.changes.items()},
            }
            for c in plan.changes
        ],
    }


@router.post(
    "/units/import",
    response={200: ImportOut, 422: ImportOut},
    summary="导入预算单位（commit=false 仅校验）",
)
def import_units(request: HttpRequest, file: File[UploadedFile], commit: bool = False) -> Any:
    """The same two steps as the page: without ``commit`` only validate and preview; with it,
    validate again and write everything or nothing. Errors name file, sheet, row and column."""
    require(request, "org.manage")
    try:
        name, data = read_upload(file)
    except DomainError as exc:
        raise HttpError(400, exc.message) from None
    region = ctx_of(request).current_region
    if commit:
        plan = services.unit_import_commit(actor=request.user, region=region, filename=name, data=data)
    else:
        plan = services.unit_import_validate(actor=request.user, region=region, filename=name, data=data)
    return Status(200 if plan.ok else 422, _plan_out(plan, commit and plan.ok))


@router.get("/sections", response=list[SectionOut], summary="业务股室列表")
def list_sections(request: HttpRequest) -> Any:
    require(request, "org.view")
    return selectors.section_list(actor=request.user, ctx=ctx_of(request)).prefetch_related("units")


@router.get("/sections/{int:section_id}", response=SectionOut, summary="业务股室详情")
def get_section(request: HttpRequest, section_id: int) -> Any:
    require(request, "org.view")
    return selectors.section_get(actor=request.user, ctx=ctx_of(request), pk=section_id)


def _units_by_code(request: HttpRequest, codes: list[str]) -> list[Unit]:
    units = {u.code: u for u in selectors.unit_list(actor=request.user, ctx=ctx_of(request)).filter(code__in=codes)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise DomainError(f"以下单位编码不存在：{'、'.join(missing)}", field="unit_codes")
    return list(units.values())


@router.post("/sections", response={201: SectionOut}, summary="新增业务股室")
def create_section(request: HttpRequest, payload: SectionIn) -> Any:
    require(request, "org.manage")
    units = _units_by_code(request, payload.unit_codes)
    section = services.section_save(
        actor=request.user,
        region=ctx_of(request).current_region,
        section=None,
        name=payload.name,
        duties=payload.duties,
        units=units,
    )
    return Status(201, section)


@router.put("/sections/{int:section_id}", response=SectionOut, summary="修改业务股室及其归口单位")
def update_section(request: HttpRequest, section_id: int, payload: SectionIn) -> Any:
    require(request, "org.manage")
    section = selectors.section_get(actor=request.user, ctx=ctx_of(request), pk=section_id)
    units = _units_by_code(request, payload.unit_codes)
    return services.section_save(
        actor=request.user,
        region=ctx_of(request).current_region,
        section=section,
        name=payload.name,
        duties=payload.duties,
        units=units,
    )


@router.get("/fiscal-years", response=list[FiscalYearOut], summary="预算年度及各阶段时间")
def list_fiscal_years(request: HttpRequest) -> Any:
    require(request, "org.view")
    return selectors.fiscal_year_list(actor=request.user, ctx=ctx_of(request))
