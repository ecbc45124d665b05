from __future__ import annotations

import pytest

from warga.taxonomy.models import Category, Handling


def test_national_taxonomy_holds_the_domain_categories_in_both_languages(db: None) -> None:
    categories = list(Category.objects.all())
    assert len(categories) == 23
    assert all(c.name_id and c.name_en and c.handler_hint and c.is_active for c in categories)
    assert [c.code for c in categories][:3] == ["jalan_rusak", "banjir", "saluran_tersumbat"]
    assert Category.objects.get(code="sampah").handler_hint == "Dinas Lingkungan Hidup"


def test_emergencies_are_referred_and_utilities_forwarded(db: None) -> None:
    by_handling = {
        handling: sorted(Category.objects.filter(handling=handling).values_list("code", flat=True))
        for handling in Handling.values
    }
    assert by_handling[Handling.EMERGENCY_REFERRAL] == ["kebakaran", "kejahatan"]
    assert by_handling[Handling.EXTERNAL_FORWARD] == ["air_bersih", "listrik", "telekomunikasi"]
    kebakaran = Category.objects.get(code="kebakaran")
    assert "112" in kebakaran.referral_id
    assert kebakaran.accepts_reports is False
    assert Category.objects.get(code="listrik").accepts_reports is True


@pytest.mark.parametrize("code", ["air_bersih", "listrik", "telekomunikasi"])
def test_forwarded_categories_tell_the_citizen_it_stays_followed(db: None, code: str) -> None:
    assert "tetap dipantau" in Category.objects.get(code=code).referral_id
