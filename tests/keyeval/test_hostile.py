"""Input that must get a Chinese message and change nothing, and races a click can cause."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_scopes import scopes_disabled

from jixiao.core.errors import DomainError, Forbidden
from jixiao.keyeval import services
from jixiao.keyeval.models import Agency, Evaluation, Status
from tests.conftest import World
from tests.keyeval.conftest import DEADLINE, make_agency, scored_rows, shaped_rows


@pytest.mark.parametrize("number", ["1e999999999", "-1e999999999", "1E+50"])
def test_numbers_past_any_sense_are_refused_not_a_500(world: World, selected: Evaluation, number: str) -> None:
    rows = shaped_rows(selected)
    rows[0] = services.ItemIn(rows[0].level1, rows[0].level2, rows[0].level3, Decimal(number))
    with pytest.raises(DomainError, match="超出范围"):
        services.items_save(actor=world.actors["office"], evaluation=selected, rows=rows)


def test_a_huge_minimum_amount_on_the_selection_page_is_a_message(world: World, client_for: Any) -> None:
    response = client_for("office").get(reverse("keyeval:select"), {"year": "2026", "min_amount": "1e999999"})
    assert response.status_code == 400 and "超出范围" in response.content.decode()


def test_a_huge_weight_over_the_api_is_a_message(world: World, client_for: Any, selected: Evaluation) -> None:
    rows = [{"level1": "决策", "level2": "项目立项", "level3": "立项依据充分性", "weight": "1e999999999"}]
    response = client_for("office").put(
        f"/api/v1/keyeval/evaluations/{selected.pk}/items", data=rows, content_type="application/json"
    )
    assert response.status_code == 422 and "分值超出范围" in str(response.json())


def test_a_returned_report_shows_no_stale_score(world: World, working: Evaluation) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    agency = world.actors["agency"]
    services.items_save(actor=agency, evaluation=working, rows=scored_rows(working, Decimal(3)))
    report = SimpleUploadedFile("报告.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    submitted = services.submit(actor=agency, evaluation=working, conclusion="较好", report=report)
    assert (submitted.total, submitted.grade) == (Decimal("97.00"), "优")
    returned = services.return_report(actor=world.actors["office"], evaluation=submitted, note="补充满意度调查")
    assert (returned.status, returned.total, returned.grade) == (Status.WORKING, None, "")


def test_a_declaration_on_a_stale_page_after_reassignment_is_refused(
    world: World, assigned: Evaluation, agency: Agency
) -> None:
    stale = assigned  # the agency member's page, loaded before the office moved the commission
    other = make_agency(world, name="株洲正信会计师事务所（普通合伙）", members=())
    services.evaluation_assign(
        actor=world.actors["office"], evaluation=assigned, agency=other, deadline=DEADLINE, fee=None
    )
    with pytest.raises(Forbidden):
        services.declare(actor=world.actors["agency"], evaluation=stale, conflict=False)
    with scopes_disabled():
        fresh = Evaluation.objects.get(pk=assigned.pk)
    assert fresh.status == Status.ASSIGNED and not fresh.declarations.exists()


def test_one_evaluation_under_way_per_project_even_past_the_check(world: World, selected: Evaluation) -> None:
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(
            region=selected.region,
            fiscal_year=selected.fiscal_year,
            project=selected.project,
            unit=selected.unit,
            title="重复",
            template_version="x",
            created_by=world.actors["office"],
        )
    # A cancelled one leaves room for a new one.
    services.evaluation_cancel(actor=world.actors["office"], evaluation=selected, reason="调整评价计划")
    with scopes_disabled():
        project = type(selected.project).objects.select_related("fiscal_year").get(pk=selected.project_id)
    (again,) = services.evaluation_select(actor=world.actors["office"], projects=[project])
    assert again.status == Status.SELECTED and again.pk != selected.pk
