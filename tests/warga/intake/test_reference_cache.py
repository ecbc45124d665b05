"""Intake's per-process reference cache (warga.intake.reference, decision 0085): every writer of
the reference data invalidates it in its own transaction, and a submission reads one version
row instead of the category, its questions, the village and the owner."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenants.models import Government
from tests.factories import UserFactory
from tests.warga.reports.helpers import BANDUNG_VILLAGE, BOGOR_POINT, BOGOR_VILLAGE, submit
from warga.intake.models import ReferenceVersion
from warga.intake.reference import REFERENCE_MODELS, intake_reference, intake_reference_forget, reference_version
from warga.regions.models import Village
from warga.reports.errors import ReportInvalid
from warga.taxonomy.models import Category, CategoryQuestion, Datatype

VERSION_TABLE = ReferenceVersion._meta.db_table
REFERENCE_TABLES = {model._meta.db_table for model in REFERENCE_MODELS}


def _tables_read(queries: CaptureQueriesContext) -> set[str]:
    return {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"?(?:public\.)?(\w+)"?', query["sql"], flags=re.IGNORECASE)
    }


def _read_all(village_code: str = BANDUNG_VILLAGE) -> None:
    reference = intake_reference()
    reference.category("jalan_rusak")
    reference.questions_of("jalan_rusak")
    village = reference.village(village_code)
    assert village is not None
    reference.owner(regency_code=village.district.regency_id, province_code=village.district.regency.province_id)


def test_every_table_intake_reads_has_the_version_trigger(bandung: Government) -> None:
    """The writers are enumerated by the database: a table the cache reads is either listed in
    REFERENCE_MODELS, whose tables carry the trigger, or this test fails."""
    intake_reference_forget()
    with CaptureQueriesContext(connection) as cold:
        _read_all()
    with CaptureQueriesContext(connection) as warm:
        _read_all()
    assert _tables_read(cold) - {"pg_class"} <= REFERENCE_TABLES | {VERSION_TABLE}
    assert len(warm) == 1
    assert _tables_read(warm) == {VERSION_TABLE}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE g.tgname = 'intake_reference_changed' AND NOT g.tgisinternal AND n.nspname = 'public'"""
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered >= REFERENCE_TABLES


def test_a_category_switched_off_in_the_admin_is_refused_at_once(bandung: Government) -> None:
    citizen = UserFactory()
    submit(citizen)  # the cache now holds the category as active
    category = Category.objects.get(code="jalan_rusak")
    category.is_active = False
    category.save()  # as the Django admin saves it
    with pytest.raises(ReportInvalid) as refused:
        submit(citizen)
    assert [e.code for e in refused.value.errors["category_code"]] == ["unknown_category"]


def test_a_question_added_is_asked_of_the_next_report(bandung: Government) -> None:
    citizen = UserFactory()
    submit(citizen, category_code="sampah")
    CategoryQuestion.objects.create(
        category_id="sampah",
        code="volume_perkiraan",
        datatype=Datatype.NUMBER,
        required=True,
        description_id="Perkiraan volume sampah (m³)",
        description_en="Estimated volume of rubbish (m³)",
    )
    with pytest.raises(ReportInvalid) as refused:
        submit(citizen, category_code="sampah")
    assert "answers.volume_perkiraan" in refused.value.errors
    assert submit(citizen, category_code="sampah", answers={"volume_perkiraan": "3"}).tracking_number


def test_a_government_made_ready_owns_the_next_report(bandung: Government, national: Government) -> None:
    citizen = UserFactory()
    fields: dict[str, Any] = {"village_code": BOGOR_VILLAGE, "latitude": BOGOR_POINT[0], "longitude": BOGOR_POINT[1]}
    assert submit(citizen, **fields).government_code == national.code
    # Kabupaten Bogor joins: provisioning marks the row ready with update(), no save().
    Government.objects.filter(pk=bandung.pk).update(code="32.01")
    assert submit(citizen, **fields).government_code == "32.01"
    Government.objects.filter(pk=bandung.pk).update(is_ready=False)
    assert submit(citizen, **fields).government_code == national.code


def test_a_village_changed_by_an_import_is_read_again(bandung: Government) -> None:
    before = intake_reference().village(BANDUNG_VILLAGE)
    assert before is not None
    with connection.cursor() as cursor:  # as the region import writes: raw SQL, no model
        cursor.execute("UPDATE regions_village SET name = 'Sukarasa Baru' WHERE code = %s", [BANDUNG_VILLAGE])
    after = intake_reference().village(BANDUNG_VILLAGE)
    assert after is not None
    assert after.name == "Sukarasa Baru"
    assert Village.objects.get(code=BANDUNG_VILLAGE).name == "Sukarasa Baru"


class RolledBack(Exception):
    pass


def test_a_write_rolled_back_leaves_the_version_and_the_data(bandung: Government) -> None:
    version = reference_version()
    intake_reference().category("jalan_rusak")

    def write_and_roll_back() -> None:
        with transaction.atomic():
            Category.objects.filter(code="jalan_rusak").update(is_active=False)
            assert reference_version() != version
            category = intake_reference().category("jalan_rusak")
            assert category is not None
            assert not category.is_active
            raise RolledBack()

    with pytest.raises(RolledBack):
        write_and_roll_back()
    assert reference_version() == version
    category = intake_reference().category("jalan_rusak")
    assert category is not None
    assert category.is_active
