"""Response templates: written by the admin koordinator, offered on the report page's reply
form with {nomor}, {unit} and {tanggal} filled in; bad input refused by field; another
government's template is not found from Bandung."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tenants.context import government_context
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.frontend.office.conftest import BANDUNG_HOST, Bandung
from tests.personas import official_of
from tests.unchanged import assert_nothing_changed
from warga.access.policy import ActionForbidden
from warga.organization.selectors import today_in
from warga.reports.errors import ReportInvalid
from warga.reports.models import ResponseTemplate
from warga.reports.services import response_template_save

BODY = "Laporan {nomor} sudah diteruskan ke {unit} pada {tanggal}. Terima kasih."


def _put(client: Any, path: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(data), content_type="application/json", HTTP_HOST=BANDUNG_HOST)


def test_the_admin_writes_a_template_and_bad_input_is_refused_by_field(bandung: Government) -> None:
    admin = official_of(bandung)
    with government_context(bandung):
        template = response_template_save(
            acting_user=admin, title=" Diteruskan ", body=BODY, category_code="jalan_rusak"
        )
        assert (template.title, template.category_code, template.is_active) == ("Diteruskan", "jalan_rusak", True)
        cases = [
            ({"title": "", "body": BODY}, "title", "required"),
            ({"title": "A", "body": "Halo {nama}."}, "body", "unknown_placeholder"),
            ({"title": "A", "body": BODY, "category_code": "tidak_ada"}, "category_code", "unknown_category"),
        ]
        for fields, field, code in cases:
            with pytest.raises(ReportInvalid) as refused:
                response_template_save(acting_user=admin, **fields)
            assert refused.value.errors[field][0].code == code
        assert ResponseTemplate.objects.count() == 1


def test_only_the_admin_koordinator_writes_templates(scene: Bandung) -> None:
    with government_context(scene.government), pytest.raises(ActionForbidden):
        response_template_save(acting_user=scene.kepala_pupr, title="A", body=BODY)
    with government_context(scene.government):
        assert ResponseTemplate.objects.count() == 0


def test_the_api_lists_by_category_writes_changes_and_archives(scene: Bandung, jakarta: Government) -> None:
    admin = signed_in_client(official_of(scene.government))
    created = _put(admin, "/api/v1/response-templates/", {"title": "Diteruskan", "body": BODY})
    assert created.status_code == 201, created.content
    other = _put(admin, "/api/v1/response-templates/", {"title": "Sampah", "body": "Oke.", "category_code": "sampah"})
    assert other.status_code == 201
    bad = _put(admin, "/api/v1/response-templates/", {"title": "X", "body": "{salah}"})
    assert (bad.status_code, bad.json()["error"]["fields"]["body"][0]["code"]) == (400, "unknown_placeholder")
    refused = _put(signed_in_client(scene.kepala_pupr), "/api/v1/response-templates/", {"title": "X", "body": "Y"})
    assert refused.status_code == 403

    lurah = signed_in_client(scene.lurah)
    listed = lurah.get("/api/v1/response-templates/?category_code=jalan_rusak", HTTP_HOST=BANDUNG_HOST).json()
    assert [t["title"] for t in listed] == ["Diteruskan"]
    template_id = created.json()["id"]
    changed = _put(admin, f"/api/v1/response-templates/{template_id}/", {"title": "Baru", "body": "Ya."}, "put")
    assert changed.json()["title"] == "Baru"
    archived = admin.delete(f"/api/v1/response-templates/{template_id}/", HTTP_HOST=BANDUNG_HOST)
    assert archived.json()["is_active"] is False
    assert lurah.get("/api/v1/response-templates/?category_code=jalan_rusak", HTTP_HOST=BANDUNG_HOST).json() == []

    # A Jakarta template's id means nothing on Bandung's host (ids are per schema: take one
    # that Bandung does not have).
    jakarta_admin = official_of(jakarta)
    with government_context(scene.government):
        ours = set(ResponseTemplate.objects.values_list("pk", flat=True))
    with government_context(jakarta):
        theirs = response_template_save(acting_user=jakarta_admin, title="Jakarta", body="Halo.")
        while theirs.pk in ours:
            theirs = response_template_save(acting_user=jakarta_admin, title="Jakarta", body="Halo.")
    both = signed_in_client(official_of(scene.government, jakarta))
    response = _put(both, f"/api/v1/response-templates/{theirs.pk}/", {"title": "X", "body": "Y"}, "put")
    assert response.status_code == 404
    assert both.delete(f"/api/v1/response-templates/{theirs.pk}/", HTTP_HOST=BANDUNG_HOST).status_code == 404
    with government_context(jakarta):
        assert ResponseTemplate.objects.get(pk=theirs.pk).title == "Jakarta"
        assert ResponseTemplate.objects.get(pk=theirs.pk).is_active is True


def test_the_reply_form_starts_from_a_template_with_its_placeholders_filled(scene: Bandung) -> None:
    with government_context(scene.government):
        template = response_template_save(acting_user=official_of(scene.government), title="Diteruskan", body=BODY)
        today = today_in(government=scene.government)
    kepala = signed_in_client(scene.kepala_pupr)
    page = kepala.get(f"/kantor/laporan/{scene.number}/?templat={template.pk}", HTTP_HOST=BANDUNG_HOST)
    assert page.status_code == 200
    expected = (
        f"Laporan {scene.number} sudah diteruskan ke Dinas Pekerjaan Umum dan Penataan Ruang pada "
        f"{today:%d-%m-%Y}. Terima kasih."
    )
    assert page.context["forms"]["balas"].initial["isi"] == expected
    assert expected in page.content.decode()


def test_the_admin_manages_templates_on_their_page_and_others_are_refused(scene: Bandung) -> None:
    admin = signed_in_client(official_of(scene.government))
    path = "/kantor/templat-balasan/"
    assert admin.get(path, HTTP_HOST=BANDUNG_HOST).status_code == 200
    bad = admin.post(path, {"judul": "Salah", "isi": "Halo {nama}.", "kategori": ""}, HTTP_HOST=BANDUNG_HOST)
    assert bad.status_code == 400
    assert "tidak dikenal" in bad.content.decode()
    saved = admin.post(path, {"judul": "Diteruskan", "isi": BODY, "kategori": "jalan_rusak"}, HTTP_HOST=BANDUNG_HOST)
    assert (saved.status_code, saved["Location"]) == (302, path)
    with government_context(scene.government):
        template = ResponseTemplate.objects.get(title="Diteruskan")
    assert "Diteruskan" in admin.get(path, HTTP_HOST=BANDUNG_HOST).content.decode()
    kepala_pupr = signed_in_client(scene.kepala_pupr)
    with assert_nothing_changed(scene.government):
        refused = kepala_pupr.post(f"{path}{template.pk}/arsipkan/", HTTP_HOST=BANDUNG_HOST)
    assert refused.status_code == 403
    archived = admin.post(f"{path}{template.pk}/arsipkan/", HTTP_HOST=BANDUNG_HOST)
    assert archived.status_code == 302
    with government_context(scene.government):
        assert ResponseTemplate.objects.get(pk=template.pk).is_active is False
