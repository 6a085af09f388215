"""Rectification pages: finance raises, the unit answers with evidence, finance confirms; other
units' items are 404, roles without the permission 403."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from jixiao.evaluation.models import Round
from jixiao.rectification.models import Item, Status
from tests.conftest import World
from tests.evaluation.conftest import form_of


def test_office_raises_from_a_self_evaluation(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    office = client_for("office")
    detail = office.get(reverse("evaluation:form_detail", args=[form.pk])).content.decode()
    assert f"{reverse('rectification:item_new')}?selfeval={form.pk}" in detail
    url = reverse("rectification:item_new") + f"?selfeval={form.pk}"
    assert form.title in office.get(url).content.decode()
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = office.post(
        reverse("rectification:item_new"),
        {"selfeval": str(form.pk), "problem": "满意度样本不足", "requirement": "重新调查", "due": due},
    )
    with scopes_disabled():
        item = Item.objects.get()
    assert response.status_code == 302 and item.project == world.project_a
    assert "满意度样本不足" in office.get(reverse("evaluation:form_detail", args=[form.pk])).content.decode()


def test_bad_input_keeps_the_page(world: World, round_: Round, client_for: Any) -> None:
    form = form_of(round_)
    response = client_for("office").post(
        reverse("rectification:item_new"), {"selfeval": str(form.pk), "problem": "", "requirement": "x", "due": "下月"}
    )
    assert response.status_code == 400 and "不是 YYYY-MM-DD 格式的日期" in response.content.decode()
    with scopes_disabled():
        assert not Item.objects.exists()


def test_unit_answers_with_evidence_and_office_closes(world: World, item: Item, client_for: Any) -> None:
    editor = client_for("unit_a_editor")
    url = reverse("rectification:item_detail", args=[item.pk])
    assert "反馈整改情况" in editor.get(url).content.decode()
    upload = SimpleUploadedFile("问卷汇总.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    editor.post(reverse("rectification:evidence_add", args=[item.pk]), {"file": upload})
    editor.post(reverse("rectification:item_answer", args=[item.pk]), {"text": "已重新调查 126 份"})
    office = client_for("office")
    assert "确认整改完成" in office.get(url).content.decode()
    office.post(reverse("rectification:item_return", args=[item.pk]), {"note": "请附汇总表", "due": "明天"})
    with scopes_disabled():
        item.refresh_from_db()
    assert item.status == Status.ANSWERED  # a bad date changed nothing
    office.post(reverse("rectification:item_close", args=[item.pk]), {"note": "整改到位"})
    with scopes_disabled():
        item.refresh_from_db()
        evidence = item.evidence.get()
    assert item.status == Status.CLOSED
    download = reverse("rectification:evidence_download", args=[evidence.pk])
    response = client_for("auditor").get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_isolation_and_roles(world: World, item: Item, client_for: Any) -> None:
    url = reverse("rectification:item_detail", args=[item.pk])
    assert client_for("unit_b_editor").get(url).status_code == 404
    assert (
        client_for("unit_b_editor")
        .post(reverse("rectification:item_answer", args=[item.pk]), {"text": "x"})
        .status_code
        == 404
    )
    listing = client_for("unit_b_editor").get(reverse("rectification:item_list")).content.decode()
    assert "满意度调查问卷" not in listing
    assert "满意度调查问卷" in client_for("unit_a_editor").get(reverse("rectification:item_list")).content.decode()
    assert client_for("unit_a_editor").get(reverse("rectification:item_new")).status_code == 403
    assert (
        client_for("office").post(reverse("rectification:item_answer", args=[item.pk]), {"text": "x"}).status_code
        == 403
    )
    assert client_for("agency").get(reverse("rectification:item_list")).status_code == 403


def test_overdue_items_on_home_pages(world: World, item: Item, client_for: Any) -> None:
    with scopes_disabled():
        Item.objects.filter(pk=item.pk).update(due=timezone.localdate() - dt.timedelta(days=2))
    for actor in ("unit_a_editor", "office", "auditor"):
        assert "逾期未整改的事项" in client_for(actor).get(reverse("home")).content.decode(), actor
    overdue = client_for("office").get(reverse("rectification:item_list") + "?state=overdue").content.decode()
    assert "已逾期" in overdue


def test_the_project_page_lists_its_items(world: World, item: Item, client_for: Any) -> None:
    html = client_for("unit_a_editor").get(reverse("budget:project_detail", args=[world.project_a.pk])).content.decode()
    assert "project-rectification" in html and "满意度调查问卷" in html
