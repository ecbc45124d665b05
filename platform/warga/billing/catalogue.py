"""The plan catalogue Warga ships, seeded by a data migration: three population bands per
government level, each in two editions. Prices in rupiah per month; a year costs ten months.
The operator changes prices in Stripe and here together (docs/billing.md)."""

from __future__ import annotations

from typing import Any

# level, its slug, and its bands: (band slug, band name, lower bound, upper bound or None).
_BANDS: list[tuple[str, str, list[tuple[str, str, int, int | None]]]] = [
    (
        "city",
        "kota",
        [
            ("kecil", "< 500 ribu jiwa", 0, 500_000),
            ("sedang", "500 ribu - 1,5 juta jiwa", 500_000, 1_500_000),
            ("besar", "> 1,5 juta jiwa", 1_500_000, None),
        ],
    ),
    (
        "regency",
        "kabupaten",
        [
            ("kecil", "< 500 ribu jiwa", 0, 500_000),
            ("sedang", "500 ribu - 1,5 juta jiwa", 500_000, 1_500_000),
            ("besar", "> 1,5 juta jiwa", 1_500_000, None),
        ],
    ),
    (
        "province",
        "provinsi",
        [
            ("kecil", "< 5 juta jiwa", 0, 5_000_000),
            ("sedang", "5 - 20 juta jiwa", 5_000_000, 20_000_000),
            ("besar", "> 20 juta jiwa", 20_000_000, None),
        ],
    ),
]
# Monthly rupiah for (level slug, band slug): (basic, complete).
_MONTHLY: dict[tuple[str, str], tuple[int, int]] = {
    ("kota", "kecil"): (2_500_000, 4_000_000),
    ("kota", "sedang"): (5_000_000, 8_000_000),
    ("kota", "besar"): (10_000_000, 15_000_000),
    ("kabupaten", "kecil"): (2_500_000, 4_000_000),
    ("kabupaten", "sedang"): (5_000_000, 8_000_000),
    ("kabupaten", "besar"): (10_000_000, 15_000_000),
    ("provinsi", "kecil"): (7_500_000, 12_000_000),
    ("provinsi", "sedang"): (15_000_000, 24_000_000),
    ("provinsi", "besar"): (25_000_000, 40_000_000),
}


def plan_catalogue() -> list[dict[str, Any]]:
    plans = []
    for level, level_slug, bands in _BANDS:
        for band, band_name, lower, upper in bands:
            for premium, edition, edition_name in ((False, "dasar", "Dasar"), (True, "lengkap", "Lengkap")):
                monthly = _MONTHLY[(level_slug, band)][int(premium)]
                plans.append(
                    {
                        "code": f"{level_slug}-{band}-{edition}",
                        "name": f"{edition_name} {level_slug.capitalize()} {band_name}",
                        "level": level,
                        "population_min": lower,
                        "population_max": upper,
                        "includes_premium": premium,
                        "price_month_idr": monthly,
                        "price_year_idr": monthly * 10,
                    }
                )
    return plans
