"""The national read model holds no personal data: not in its columns, not in its rows."""

from __future__ import annotations

from django.db import connection

from tenants.context import government_context
from tenants.models import Government
from tests.factories import UserFactory
from tests.personas import official_of
from tests.warga.reports.helpers import submit
from warga.national.services import relay_drain
from warga.reports.services import report_transition

EMAIL = "siti.rahayu.pelapor@example.id"
NAME = "Siti Rahayu Kusumawardani"
PHONE = "+6281234567890"
DESCRIPTION = "Got besar tersumbat sampah plastik di gang Mawar nomor tujuh belas"
LATITUDE, LONGITUDE = -6.87345, 107.58123
# Words of the account or the report that must appear nowhere in the read model.
NEEDLES = [EMAIL, NAME, PHONE, "Kusumawardani", "gang Mawar", "tersumbat", "6.87345", "107.58123", "87345", "58123"]
PERSONAL_COLUMN_WORDS = ("name", "email", "phone", "description", "note", "body", "latitude", "longitude", "user")


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_name LIKE 'national\\_%%' ORDER BY table_name"
        )
        return [name for (name,) in cursor.fetchall()]


def _rows_as_text(tables: list[str]) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        found: set[tuple[str, str]] = set()
        for table in tables:
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')  # every column of every row, as text
            found |= {(table, text) for (text,) in cursor.fetchall()}
    return found


def test_no_personal_data_in_any_column_or_row_of_the_read_model(bandung: Government) -> None:
    # Rows other tests committed in this database before (a worker test's relay batch, say).
    earlier = _rows_as_text(_tables())
    reporter = UserFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    official = official_of(bandung)
    number = submit(reporter, description=DESCRIPTION, latitude=LATITUDE, longitude=LONGITUDE).tracking_number
    with government_context(bandung):
        report_transition(acting_user=official, tracking_number=number, to_status="archived", note=f"{NAME} menelepon")
    with government_context(bandung):
        relay_drain(government=bandung)

    tables = _tables()
    assert tables == [
        "national_duration_histogram",
        "national_offer",
        "national_region_category",
        "national_region_day",
        "national_region_duration",
        "national_relay_batch",
        "national_relay_source",
        "national_report_fact",
        "national_rollup",
        "national_surge_flag",
        "national_triage_hold",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = ANY(%s) ORDER BY table_name, ordinal_position",
            [tables],
        )
        columns = cursor.fetchall()
        assert [c for c in columns if any(word in c[1] for word in PERSONAL_COLUMN_WORDS)] == []
    rows = _rows_as_text(tables)
    for table, text in rows:
        found = [n for n in [*NEEDLES, str(reporter.pk), str(official.pk)] if n.lower() in text.lower()]
        assert found == [], f"{table}: {found} in {text}"
    # The scan saw the fact, its roll-ups, its time to first response at three levels, the
    # batch and the relay's cursor, the per-region rows (new or changed): it was not vacuously empty.
    # The per-region folds: 3 days, 3 durations, 3 categories (province, kab/kota, country).
    assert len(rows - earlier) == 1 + 3 + 3 + 1 + 1 + 3 + 3 + 3
