"""The console's routing page: the category -> unit mapping saved as a new version, the
simulator's answer following it, a version's diff, restore bringing the old answer back;
refusals change nothing."""

from __future__ import annotations

from django.utils.html import escape

from tenants.context import government_context
from tenants.models import Government
from tests.frontend.console.helpers import BANDUNG, JAKARTA, admin_client, lurah_client
from warga.access.policy import ROLE_MESSAGES, Action
from warga.organization.models import Unit
from warga.routing.models import RoutingAuditEvent, RuleSet

SIMULATE = "/kantor/admin/penerusan/?category_code=jalan_rusak&village_code=32.73.01.1001&type=pengaduan"


def _versions(government: Government) -> list[int]:
    with government_context(government):
        return list(RuleSet.objects.order_by("version").values_list("version", flat=True))


def _answer(html: str) -> str:
    start = html.index('<span id="unit-tujuan">') + len('<span id="unit-tujuan">')
    return html[start : html.index("</span>", start)]


def test_the_simulator_answers_with_unit_notified_and_due_times(bandung: Government) -> None:
    browser = admin_client(bandung)
    answer = browser.get(SIMULATE, HTTP_HOST=BANDUNG)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert _answer(html) == "Dinas Pekerjaan Umum dan Penataan Ruang"
    assert "Lurah " in html
    assert "Kepala Dinas Pekerjaan Umum dan Penataan Ruang" in html


def test_mapping_a_category_makes_a_version_and_restore_brings_the_old_answer_back(bandung: Government) -> None:
    browser = admin_client(bandung)
    before = _versions(bandung)
    with government_context(bandung):
        dlh = Unit.objects.get(name="Dinas Lingkungan Hidup")
    saved = browser.post(
        "/kantor/admin/penerusan/",
        {
            "category": "jalan_rusak",
            "unit": dlh.pk,
            "category_code": "jalan_rusak",
            "village_code": "32.73.01.1001",
            "type": "pengaduan",
        },
        HTTP_HOST=BANDUNG,
    )
    assert saved.status_code == 302
    assert (
        saved["Location"]
        == "/kantor/admin/penerusan/?category_code=jalan_rusak&village_code=32.73.01.1001&type=pengaduan"
    )
    new_version = before[-1] + 1
    assert _versions(bandung) == [*before, new_version]
    assert _answer(browser.get(SIMULATE, HTTP_HOST=BANDUNG).content.decode()) == "Dinas Lingkungan Hidup"

    diff = browser.get(f"/kantor/admin/penerusan/versi/{new_version}/", HTTP_HOST=BANDUNG).content.decode()
    assert "Dinas Lingkungan Hidup" in diff
    # Categories by their names: in a changed rule's before and after and in each rule's summary.
    assert (
        "<td>category_codes</td><td>Jalan rusak atau berlubang, Banjir dan genangan, "
        "Saluran air atau drainase tersumbat</td><td>Jalan rusak atau berlubang</td>"
    ) in diff
    assert "Dinas Lingkungan Hidup: Sampah, Pencemaran lingkungan" in diff
    assert "<td>semua kategori\n → admin koordinator</td>" in diff
    rules = browser.get("/kantor/admin/penerusan/", HTTP_HOST=BANDUNG).content.decode()
    assert "<td>Banjir dan genangan, Saluran air atau drainase tersumbat\n</td>" in rules
    assert "<td>PKL liar dan ketertiban umum, Bangunan liar\n</td>" in rules
    assert "<td>pkl_ketertiban" not in rules

    restored = browser.post(f"/kantor/admin/penerusan/versi/{before[-1]}/pulihkan/", HTTP_HOST=BANDUNG)
    assert restored.status_code == 302
    assert _versions(bandung) == [*before, new_version, new_version + 1]
    assert (
        _answer(browser.get(SIMULATE, HTTP_HOST=BANDUNG).content.decode()) == "Dinas Pekerjaan Umum dan Penataan Ruang"
    )
    with government_context(bandung):
        kinds = list(RoutingAuditEvent.objects.filter(rule_set_version__gt=before[-1]).values_list("kind", flat=True))
    assert kinds == ["rule_set.saved", "rule_set.restored"]


def test_a_rule_is_edited_and_removed_through_its_page(bandung: Government) -> None:
    browser = admin_client(bandung)
    before = _versions(bandung)
    form = browser.get("/kantor/admin/penerusan/aturan/10/", HTTP_HOST=BANDUNG)
    assert form.status_code == 200
    refused = browser.post(
        "/kantor/admin/penerusan/aturan/10/",
        {"aksi": "save", "name": "", "handling_unit": ""},
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    assert _versions(bandung) == before
    removed = browser.post("/kantor/admin/penerusan/aturan/10/", {"aksi": "delete"}, HTTP_HOST=BANDUNG)
    assert removed.status_code == 302
    assert _versions(bandung) == [*before, before[-1] + 1]


def test_an_unknown_rule_area_is_refused_by_the_service_with_nothing_saved(bandung: Government) -> None:
    browser = admin_client(bandung)
    before = _versions(bandung)
    refused = browser.post(
        "/kantor/admin/penerusan/aturan/baru/",
        {"aksi": "save", "name": "Banjir di Bandung Wetan", "category_codes": ["banjir"], "handling_unit": "99999999"},
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    assert _versions(bandung) == before


def test_an_official_who_is_not_the_admin_is_refused_with_nothing_changed(bandung: Government) -> None:
    browser = lurah_client(bandung)
    before = _versions(bandung)
    for path in ("/kantor/admin/penerusan/", "/kantor/admin/penerusan/versi/1/", "/kantor/admin/penerusan/aturan/10/"):
        refused = browser.get(path, HTTP_HOST=BANDUNG)
        assert refused.status_code == 403
        assert escape(ROLE_MESSAGES[Action.RULES_EDIT]) in refused.content.decode()
    assert (
        browser.post("/kantor/admin/penerusan/", {"category": "jalan_rusak", "unit": ""}, HTTP_HOST=BANDUNG).status_code
        == 403
    )
    assert browser.post("/kantor/admin/penerusan/versi/1/pulihkan/", HTTP_HOST=BANDUNG).status_code == 403
    assert _versions(bandung) == before


def test_a_bandung_admin_cannot_change_jakartas_rules_from_either_host(
    bandung: Government, jakarta: Government
) -> None:
    browser = admin_client(bandung)
    before = _versions(jakarta)
    with government_context(jakarta):
        jakarta_unit = Unit.objects.get(name="Dinas Lingkungan Hidup")
    assert (
        browser.post(
            "/kantor/admin/penerusan/", {"category": "jalan_rusak", "unit": jakarta_unit.pk}, HTTP_HOST=JAKARTA
        ).status_code
        == 403
    )
    assert browser.post("/kantor/admin/penerusan/versi/1/pulihkan/", HTTP_HOST=JAKARTA).status_code == 403
    # On Bandung's host the same number is Bandung's own business, never Jakarta's rules.
    browser.post("/kantor/admin/penerusan/", {"category": "jalan_rusak", "unit": jakarta_unit.pk}, HTTP_HOST=BANDUNG)
    assert _versions(jakarta) == before


def test_a_rules_deadline_chain_is_edited_and_a_bad_step_is_explained(bandung: Government) -> None:
    browser = admin_client(bandung)
    before = _versions(bandung)
    path = "/kantor/admin/penerusan/aturan/20/"
    form = browser.get(path, HTTP_HOST=BANDUNG).content.decode()
    assert 'name="step_1_target"' in form
    fields = {
        "aksi": "save",
        "name": "Sampah ke DLH",
        "category_codes": ["sampah", "pencemaran"],
        "handling_unit": _unit_id(bandung, "Dinas Lingkungan Hidup"),
        "notify": ["village_head", "handling_head"],
        "step_1_target": "handling_head",
        "step_1_days": "2",
        "step_2_target": "head_of_government",
        "step_2_minutes": "240",
    }
    bad = browser.post(path, {**fields, "step_2_minutes": ""}, HTTP_HOST=BANDUNG)
    assert bad.status_code == 400
    assert "Langkah eskalasi 2: beri target" in bad.content.decode()
    assert _versions(bandung) == before
    assert browser.post(path, fields, HTTP_HOST=BANDUNG).status_code == 302
    with government_context(bandung):
        rule = RuleSet.objects.get(is_active=True).rules.get(order=20)
    assert rule.escalation == [
        {"target": "handling_head", "working_days": 2},
        {"target": "head_of_government", "working_minutes": 240},
    ]
    assert rule.notify == ["village_head", "handling_head"]


def _unit_id(government: Government, name: str) -> int:
    with government_context(government):
        return Unit.objects.get(name=name).pk


def _rule_names(government: Government) -> list[str]:
    with government_context(government):
        active = RuleSet.objects.get(is_active=True)
        return list(active.rules.order_by("order").values_list("name", flat=True))


def test_rules_move_up_and_down_as_new_versions_without_javascript(bandung: Government) -> None:
    browser = admin_client(bandung)
    before, names = _versions(bandung), _rule_names(bandung)
    page = browser.get("/kantor/admin/penerusan/", HTTP_HOST=BANDUNG).content.decode()
    # A plain form per move: the first rule cannot go up, the last cannot go down.
    assert 'action="/kantor/admin/penerusan/aturan/20/pindah/"' in page
    assert page.count('value="naik"') == page.count('value="turun"') == len(names) - 1

    moved = browser.post("/kantor/admin/penerusan/aturan/20/pindah/", {"arah": "naik"}, HTTP_HOST=BANDUNG)
    assert (moved.status_code, moved["Location"]) == (302, "/kantor/admin/penerusan/#aturan")
    assert _rule_names(bandung) == [names[1], names[0], *names[2:]]
    assert _versions(bandung) == [*before, before[-1] + 1]
    with government_context(bandung):
        event = RoutingAuditEvent.objects.get(rule_set_version=before[-1] + 1)
    assert event.kind == "rule_set.saved"
    assert f"Aturan #20 '{names[1]}' dinaikkan" == event.detail["note"]
    assert {c["order"] for c in event.detail["diff"]["changed"]} == {10, 20}

    browser.post("/kantor/admin/penerusan/aturan/10/pindah/", {"arah": "turun"}, HTTP_HOST=BANDUNG)
    assert _rule_names(bandung) == names
    assert _versions(bandung) == [*before, before[-1] + 1, before[-1] + 2]


def test_a_move_past_either_end_or_without_a_direction_saves_nothing(bandung: Government, jakarta: Government) -> None:
    browser = admin_client(bandung)
    before, names = _versions(bandung), _rule_names(bandung)
    last = len(names) * 10
    refusals = (
        (10, "naik", "Aturan #10 sudah paling atas."),
        (last, "turun", f"Aturan #{last} sudah paling bawah."),
        (20, "samping", "Pilih apakah aturan dinaikkan atau diturunkan."),
        (999, "naik", "Aturan #999 tidak ada di versi"),
    )
    for order, direction, message in refusals:
        refused = browser.post(
            f"/kantor/admin/penerusan/aturan/{order}/pindah/", {"arah": direction}, HTTP_HOST=BANDUNG, follow=True
        )
        assert refused.status_code == 200
        assert 'class="notice notice--error"' in refused.content.decode()
        assert message in refused.content.decode()
    assert _versions(bandung) == before
    assert _rule_names(bandung) == names
    # Neither a lurah of Bandung nor Bandung's admin on Jakarta's host may move a rule.
    lurah = lurah_client(bandung)
    assert (
        lurah.post("/kantor/admin/penerusan/aturan/20/pindah/", {"arah": "naik"}, HTTP_HOST=BANDUNG).status_code == 403
    )
    jakarta_before = _versions(jakarta)
    assert (
        browser.post("/kantor/admin/penerusan/aturan/20/pindah/", {"arah": "naik"}, HTTP_HOST=JAKARTA).status_code
        == 403
    )
    assert _versions(bandung) == before
    assert _versions(jakarta) == jakarta_before


def test_a_rule_for_an_area_unit_is_saved_and_followed_by_the_simulator(bandung: Government) -> None:
    browser = admin_client(bandung)
    with government_context(bandung):
        kecamatan = Unit.objects.get(region_code="32.73.01")
        dlh = Unit.objects.get(name="Dinas Lingkungan Hidup")
    form = browser.get("/kantor/admin/penerusan/aturan/baru/", HTTP_HOST=BANDUNG).content.decode()
    assert f'<option value="{kecamatan.pk}">{kecamatan.name} (32.73.01)</option>' in form
    saved = browser.post(
        "/kantor/admin/penerusan/aturan/baru/",
        {
            "aksi": "save",
            "name": "Jalan rusak di kecamatan ini ke DLH",
            "category_codes": ["jalan_rusak"],
            "area_unit": kecamatan.pk,
            "handling_unit": dlh.pk,
            "step_1_target": "handling_head",
            "step_1_days": 3,
        },
        HTTP_HOST=BANDUNG,
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with government_context(bandung):
        rule = RuleSet.objects.get(is_active=True).rules.get(name="Jalan rusak di kecamatan ini ke DLH")
        assert rule.area_unit_id == kecamatan.pk
    # The new rule sits before the first rule without conditions but after the category map's
    # rules: move it to the top, then the simulator sends a road report in that kecamatan to DLH.
    while rule.order > 10:
        browser.post(f"/kantor/admin/penerusan/aturan/{rule.order}/pindah/", {"arah": "naik"}, HTTP_HOST=BANDUNG)
        with government_context(bandung):
            rule = RuleSet.objects.get(is_active=True).rules.get(name="Jalan rusak di kecamatan ini ke DLH")
    assert _answer(browser.get(SIMULATE, HTTP_HOST=BANDUNG).content.decode()) == "Dinas Lingkungan Hidup"
    elsewhere = SIMULATE.replace("32.73.01.1001", "32.73.14.1004")
    assert (
        _answer(browser.get(elsewhere, HTTP_HOST=BANDUNG).content.decode()) == "Dinas Pekerjaan Umum dan Penataan Ruang"
    )
    edit = browser.get(f"/kantor/admin/penerusan/aturan/{rule.order}/", HTTP_HOST=BANDUNG).content.decode()
    assert f'<option value="{kecamatan.pk}" selected>' in edit
    # A unit that is no place (an agency) is not offered as an area; posted anyway, it is refused.
    before = _versions(bandung)
    refused = browser.post(
        f"/kantor/admin/penerusan/aturan/{rule.order}/",
        {"aksi": "save", "name": rule.name, "area_unit": dlh.pk, "handling_unit": dlh.pk},
        HTTP_HOST=BANDUNG,
    )
    assert refused.status_code == 400
    assert _versions(bandung) == before
