"""The inbox and the report page, through real HTTP on the government hosts: who sees what,
each action's form, its refusals in words, and the cross-tenant attempts."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants.context import government_context, tenant_connection
from tenants.models import Government
from tests.api.helpers import signed_in_client
from tests.factories import UserFactory
from tests.frontend.office.conftest import BANDUNG_HOST, JAKARTA_HOST, Bandung, seat
from tests.personas import official_of
from tests.warga.reports.helpers import BANDUNG_POINT, JAKARTA_POINT, JAKARTA_VILLAGE, submit
from tests.warga.reports.images import distinct_image
from warga.organization.models import PositionKind, Unit
from warga.reports.models import Report, ReportAssignment, ReportEvent, ReportInternalNote
from warga.routing.models import ReportRouting

MFA_SETUP = "http://localhost/akun/2fa/totp/activate/"


def _page(client: Client, path: str, host: str = BANDUNG_HOST) -> Any:
    return client.get(path, HTTP_HOST=host)


def _numbers(response: Any) -> list[str]:
    return [row["report"].tracking_number for row in response.context["rows"]]


def _state(government: Government, number: str) -> tuple[Any, ...]:
    with government_context(government):
        report = Report.objects.get(tracking_number=number)
        return (
            report.status,
            report.priority,
            report.unit_id,
            ReportEvent.objects.filter(report=report).count(),
            ReportInternalNote.objects.count(),
            ReportAssignment.objects.count(),
        )


# --- the inbox ---------------------------------------------------------------------------------


def test_the_lurah_sees_the_report_of_the_village_with_its_sla_badge(scene: Bandung) -> None:
    response = _page(signed_in_client(scene.lurah), "/kantor/")
    assert response.status_code == 200
    assert _numbers(response) == [scene.number]
    assert response.context["rows"][0]["sla_state"] == "on_time"
    body = response.content.decode()
    assert "sla--on-time" in body
    assert f'href="/kantor/laporan/{scene.number}/"' in body
    assert response.context["counts"] == {"overdue": 0, "due_soon": 0, "on_time": 1}
    # The seats and the other desks stay reachable from the inbox.
    assert "Lurah " in body
    assert [path for _, path in response.context["desks"]] == ["/notifikasi/"]


def test_a_petugas_lapangan_sees_only_their_units_reports(scene: Bandung) -> None:
    rubbish = submit(UserFactory(), category_code="sampah").tracking_number
    assert _numbers(_page(signed_in_client(scene.petugas_pupr), "/kantor/")) == [scene.number]
    assert _numbers(_page(signed_in_client(scene.petugas_dlh), "/kantor/")) == [rubbish]


def test_filters_search_and_sort_narrow_the_list(scene: Bandung) -> None:
    other = submit(UserFactory(), description="Trotoar amblas dekat pasar.").tracking_number
    admin = signed_in_client(scene.kepala_pupr)
    assert _numbers(_page(admin, "/kantor/")) == [other, scene.number]
    assert _numbers(_page(admin, "/kantor/?cari=amblas")) == [other]
    assert _numbers(_page(admin, f"/kantor/?cari={scene.number}")) == [scene.number]
    assert _numbers(_page(admin, "/kantor/?status=verified")) == []
    overdue = _page(admin, "/kantor/?sla=overdue")
    assert _numbers(overdue) == []
    # The counts above the list take the same filters but the deadline's: they show where to look.
    assert overdue.context["counts"] == {"overdue": 0, "due_soon": 0, "on_time": 2}
    assert _page(admin, "/kantor/?sla=overdue&cari=amblas").context["counts"]["on_time"] == 1
    with government_context(scene.government):
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang").pk
    assert _numbers(_page(admin, f"/kantor/?unit={pupr}&urut=tenggat")) == [other, scene.number]


def test_the_search_box_finds_words_and_their_beginnings_in_any_case(scene: Bandung) -> None:
    other = submit(UserFactory(), description="Trotoar amblas dekat pasar.").tracking_number
    street = submit(UserFactory(), description="Lubang 12.5 m di Jl.Sudirman.").tracking_number
    admin = signed_in_client(scene.kepala_pupr)
    # Every word, in any order and case, each a whole word or the start of one.
    assert _numbers(_page(admin, "/kantor/?cari=PASAR+trotoar")) == [other]
    assert _numbers(_page(admin, "/kantor/?cari=ambl+dek")) == [other]
    # Not the middle of a word, and not a report lacking one of the words.
    assert _numbers(_page(admin, "/kantor/?cari=mblas")) == []
    assert _numbers(_page(admin, "/kantor/?cari=amblas+jembatan")) == []
    # Punctuation separates words, in the description and in what is typed.
    assert _numbers(_page(admin, "/kantor/?cari=sudirman")) == [street]
    assert _numbers(_page(admin, "/kantor/?cari=jl.sudir+12.5")) == [street]
    # Characters of the query language are only separators, never operators.
    assert _numbers(_page(admin, "/kantor/?cari=amblas+%7C+%21pasar")) == [other]
    assert _numbers(_page(admin, "/kantor/?cari=%26%7C%21%28")) == []


def test_the_search_box_never_finds_another_governments_reports(scene: Bandung, jakarta: Government) -> None:
    theirs = submit(
        UserFactory(),
        latitude=JAKARTA_POINT[0],
        longitude=JAKARTA_POINT[1],
        village_code=JAKARTA_VILLAGE,
        description="Trotoar amblas dekat Monas.",
    ).tracking_number
    ours = submit(UserFactory(), description="Trotoar amblas dekat pasar.").tracking_number
    lurah_gambir = signed_in_client(seat(jakarta, kind=PositionKind.LURAH, region_code=JAKARTA_VILLAGE))
    assert _numbers(_page(lurah_gambir, "/kantor/?cari=monas", JAKARTA_HOST)) == [theirs]
    admin = signed_in_client(scene.kepala_pupr)
    assert _numbers(_page(admin, "/kantor/?cari=trotoar+amblas")) == [ours]
    assert _numbers(_page(admin, "/kantor/?cari=monas")) == []
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert _numbers(_page(admin, f"/kantor/?dari={tomorrow}")) == []


def test_bad_filters_are_answered_next_to_their_field(scene: Bandung) -> None:
    response = _page(signed_in_client(scene.lurah), "/kantor/?dari=2026-05-02&sampai=2026-05-01&status=entah")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"sampai", "status"}
    assert 'class="error-summary"' in response.content.decode()


def test_the_csv_holds_the_filtered_list_for_heads_of_units_only(scene: Bandung) -> None:
    response = _page(signed_in_client(scene.kepala_pupr), "/kantor/ekspor.csv?urut=tenggat")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "nomor"
    assert [row[0] for row in rows[1:]] == [scene.number]
    assert rows[1][5] == "Dinas Pekerjaan Umum dan Penataan Ruang"
    refused = _page(signed_in_client(scene.petugas_pupr), "/kantor/ekspor.csv")
    assert refused.status_code == 403
    assert "Hanya kepala unit dan admin" in refused.content.decode()


def test_an_official_without_totp_is_sent_to_set_it_up(scene: Bandung) -> None:
    official = seat(scene.government, kind=PositionKind.LURAH, totp=False, region_code="32.73.01.1001")
    for path in ("/kantor/", f"/kantor/laporan/{scene.number}/"):
        response = _page(signed_in_client(official), path)
        assert (response.status_code, response["Location"]) == (302, MFA_SETUP)


def test_province_officials_see_their_own_inbox_on_dki_jakarta(jakarta: Government) -> None:
    number = submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    # The lurah of Gambir, a kelurahan of Jakarta Pusat, a unit inside the province.
    admin = signed_in_client(seat(jakarta, kind=PositionKind.LURAH, region_code=JAKARTA_VILLAGE))
    response = _page(admin, "/kantor/", JAKARTA_HOST)
    assert response.status_code == 200
    assert _numbers(response) == [number]
    assert _page(admin, f"/kantor/laporan/{number}/", JAKARTA_HOST).status_code == 200


# --- the report page -----------------------------------------------------------------------------


def test_the_report_page_shows_the_report_and_the_actions_the_seat_allows(scene: Bandung) -> None:
    response = _page(signed_in_client(scene.kepala_pupr), f"/kantor/laporan/{scene.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jalan berlubang besar" in body
    assert 'id="peta"' in body
    allowed = response.context["allowed"]
    assert (allowed.act, allowed.verify, allowed.defer, allowed.transfer, allowed.resolve) == (
        True,
        True,
        True,
        True,
        False,
    )
    assert 'action="/kantor/laporan/' + scene.number + '/verifikasi/"' in body


def test_the_lurah_reads_it_and_is_told_why_they_cannot_act(scene: Bandung) -> None:
    response = _page(signed_in_client(scene.lurah), f"/kantor/laporan/{scene.number}/")
    assert response.status_code == 200
    assert response.context["allowed"].act is False
    assert "di luar wilayah tugas unit Anda" in response.content.decode()
    assert "/verifikasi/" not in response.content.decode()
    # A note is still theirs to write.
    assert f'action="/kantor/laporan/{scene.number}/catatan/"' in response.content.decode()


def test_verify_assign_and_resolve_through_the_page_forms(scene: Bandung) -> None:
    path = f"/kantor/laporan/{scene.number}/"
    kepala = signed_in_client(scene.kepala_pupr)
    with government_context(scene.government):
        pupr = Unit.objects.get(name="Dinas Pekerjaan Umum dan Penataan Ruang").pk
    verified = kepala.post(path + "verifikasi/", {"verifikasi-unit": pupr}, HTTP_HOST=BANDUNG_HOST)
    assert (verified.status_code, verified["Location"]) == (302, path + "#hasil")
    assigned = kepala.post(path + "tugaskan/", {"tugaskan-petugas": str(scene.petugas_pupr.pk)}, HTTP_HOST=BANDUNG_HOST)
    assert assigned.status_code == 302
    assert _state(scene.government, scene.number)[0] == "in_progress"

    petugas = signed_in_client(scene.petugas_pupr)
    # A minute ahead: the form's time has minutes only, and the report was sent this minute.
    taken = (timezone.localtime() + datetime.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    far = petugas.post(
        path + "selesaikan/",
        {
            "selesaikan-foto": SimpleUploadedFile("bukti.jpg", distinct_image(4101)),
            "selesaikan-diambil": taken,
            "selesaikan-lintang": BANDUNG_POINT[0] + 0.009,
            "selesaikan-bujur": BANDUNG_POINT[1],
        },
        HTTP_HOST=BANDUNG_HOST,
    )
    assert far.status_code == 400
    assert "m dari lokasi laporan; paling jauh 200 m" in far.content.decode()
    assert _state(scene.government, scene.number)[0] == "in_progress"

    near = petugas.post(
        path + "selesaikan/",
        {
            "selesaikan-foto": SimpleUploadedFile("bukti.jpg", distinct_image(4102)),
            "selesaikan-diambil": taken,
            "selesaikan-lintang": BANDUNG_POINT[0] + 0.0002,
            "selesaikan-bujur": BANDUNG_POINT[1],
            "selesaikan-catatan": "Sudah ditambal.",
        },
        HTTP_HOST=BANDUNG_HOST,
    )
    assert near.status_code == 302, near.content.decode()[:2000]
    assert _state(scene.government, scene.number)[0] == "resolved"


def test_each_form_answers_bad_input_next_to_its_field(scene: Bandung) -> None:
    path = f"/kantor/laporan/{scene.number}/"
    kepala = signed_in_client(scene.kepala_pupr)
    before = _state(scene.government, scene.number)
    cases = {
        "tunda": ({"tunda-alasan": ""}, "alasan"),
        "prioritas": ({"prioritas-prioritas": "urgent", "prioritas-alasan": ""}, "alasan"),
        "alihkan": ({"alihkan-tujuan": "99.99", "alihkan-alasan": "Bukan jalan kota."}, "tujuan"),
        "gabung": ({"gabung-ke": scene.number, "gabung-alasan": "Sama."}, "ke"),
        "catatan": ({"catatan-isi": " "}, "isi"),
    }
    for action, (data, field) in cases.items():
        response = kepala.post(path + action + "/", data, HTTP_HOST=BANDUNG_HOST)
        assert response.status_code == 400, action
        assert field in response.context["forms"][action].errors, (action, response.context["forms"][action].errors)
        assert 'class="error-summary"' in response.content.decode()
    assert _state(scene.government, scene.number) == before


def test_a_jakarta_number_on_the_bandung_host_is_404_and_changes_nothing(scene: Bandung, jakarta: Government) -> None:
    number = submit(
        UserFactory(), latitude=JAKARTA_POINT[0], longitude=JAKARTA_POINT[1], village_code=JAKARTA_VILLAGE
    ).tracking_number
    bandung_admin = signed_in_client(official_of(scene.government))
    before = _state(jakarta, number)
    assert _page(bandung_admin, f"/kantor/laporan/{number}/").status_code == 404
    for action, data in {
        "catatan": {"catatan-isi": "Lihat."},
        "tunda": {"tunda-alasan": "Tunggu."},
        "balas": {"balas-isi": "Halo."},
    }.items():
        assert (
            bandung_admin.post(f"/kantor/laporan/{number}/{action}/", data, HTTP_HOST=BANDUNG_HOST).status_code == 404
        )
    assert _state(jakarta, number) == before


def test_notes_and_replies_through_the_page(scene: Bandung) -> None:
    path = f"/kantor/laporan/{scene.number}/"
    kepala = signed_in_client(scene.kepala_pupr)
    assert kepala.post(path + "catatan/", {"catatan-isi": "Cek anggaran."}, HTTP_HOST=BANDUNG_HOST).status_code == 302
    assert kepala.post(path + "balas/", {"balas-isi": "Akan kami tangani."}, HTTP_HOST=BANDUNG_HOST).status_code == 302
    page = _page(signed_in_client(scene.lurah), path).content.decode()
    assert "Cek anggaran." in page
    assert "Akan kami tangani." in page
    public = Client().get(f"/api/v1/reports/{scene.number}/", HTTP_HOST="localhost").content.decode()
    assert "Akan kami tangani." in public
    assert "Cek anggaran." not in public


def test_the_inbox_page_costs_the_same_queries_whatever_the_rows(scene: Bandung, settings: Any) -> None:
    """No query per row: the page of 1 report and the page of 21 ask the database alike."""
    # On a slow machine the 20 submissions outlast the host cache's 30 s: keep the host
    # looked up once, so both pages count only what the page itself asks.
    settings.WARGA_HOST_CACHE_SECONDS = 3600
    kepala = signed_in_client(scene.kepala_pupr)
    _page(kepala, "/kantor/")
    with CaptureQueriesContext(connection) as one:
        assert len(_numbers(_page(kepala, "/kantor/"))) == 1
    tenant_connection().set_schema_to_public()
    for _ in range(20):
        submit(UserFactory())
    with CaptureQueriesContext(connection) as many:
        assert len(_numbers(_page(kepala, "/kantor/"))) == 21
    assert _per_page(many) == _per_page(one)


def _per_page(captured: CaptureQueriesContext) -> int:
    """Statements of a page, without the session-activity write that comes at most once a
    minute (warga.accounts.middleware): on a slow machine the 20 submissions take longer."""
    return sum("usersessions_usersession" not in query["sql"] for query in captured.captured_queries)


def test_overdue_and_disputed_reports_stand_out(scene: Bandung) -> None:
    with government_context(scene.government):
        report = Report.objects.get(tracking_number=scene.number)
        past = timezone.now() - datetime.timedelta(hours=2)
        ReportRouting.objects.filter(report_id=report.pk).update(current_due_at=past, running_due_at=past)
    response = _page(signed_in_client(scene.lurah), "/kantor/")
    assert response.context["counts"]["overdue"] == 1
    body = response.content.decode()
    assert "inbox-row--overdue" in body
    assert "sla--overdue" in body
    assert _numbers(_page(signed_in_client(scene.lurah), "/kantor/?sla=overdue")) == [scene.number]
    with government_context(scene.government):
        Report.objects.filter(pk=report.pk).update(status="reopened")
    assert "inbox-row--disputed" in _page(signed_in_client(scene.lurah), "/kantor/").content.decode()


def test_the_camat_sees_the_report_read_only(scene: Bandung) -> None:
    camat = seat(scene.government, kind=PositionKind.CAMAT, region_code="32.73.01")
    client = signed_in_client(camat)
    assert _numbers(_page(client, "/kantor/")) == [scene.number]
    page = _page(client, f"/kantor/laporan/{scene.number}/")
    assert page.status_code == 200
    assert page.context["allowed"].act is False
    assert "/verifikasi/" not in page.content.decode()


def test_the_identity_page_is_linked_for_the_designated_role_only(scene: Bandung) -> None:
    number = submit(UserFactory(), privacy="rahasia").tracking_number
    link = f'href="/kantor/laporan/{number}/identitas-pelapor/"'
    coordinator = _page(signed_in_client(official_of(scene.government)), f"/kantor/laporan/{number}/")
    assert link in coordinator.content.decode()
    kepala = _page(signed_in_client(scene.kepala_pupr), f"/kantor/laporan/{number}/")
    assert kepala.status_code == 200
    assert link not in kepala.content.decode()


def test_transfer_and_merge_through_the_page(scene: Bandung, jakarta: Government) -> None:
    duplicate = submit(UserFactory()).tracking_number
    kepala = signed_in_client(scene.kepala_pupr)
    merged = kepala.post(
        f"/kantor/laporan/{duplicate}/gabung/",
        {"gabung-ke": scene.number, "gabung-alasan": "Lubang yang sama."},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert (merged.status_code, merged["Location"]) == (302, f"/kantor/laporan/{scene.number}/")
    moved = kepala.post(
        f"/kantor/laporan/{scene.number}/alihkan/",
        {"alihkan-tujuan": "31", "alihkan-alasan": "Jalan milik provinsi."},
        HTTP_HOST=BANDUNG_HOST,
    )
    assert (moved.status_code, moved["Location"]) == (302, "/kantor/")
    with government_context(jakarta):
        assert Report.objects.filter(tracking_number=scene.number).exists()
    assert _page(kepala, f"/kantor/laporan/{scene.number}/").status_code == 404
