"""The national category taxonomy (DOMAIN.md's category -> handler table).

Upserted by code, so editing a name here and migrating again updates it; each government
maps the codes to its own units and may add local subcategories.
"""

from django.db import migrations

EMERGENCY = "emergency_referral"
EXTERNAL = "external_forward"
COMPLAINT = "complaint"

# code, name_id, name_en, handler hint, handling, what the citizen is told instead
CATEGORIES = [
    ("jalan_rusak", "Jalan rusak atau berlubang", "Damaged road or pothole", "Dinas PUPR / Bina Marga (sesuai status jalan)", COMPLAINT, ""),
    ("banjir", "Banjir dan genangan", "Flooding and standing water", "Dinas PUPR / Sumber Daya Air; BPBD saat bencana", COMPLAINT, ""),
    ("saluran_tersumbat", "Saluran air atau drainase tersumbat", "Blocked drain or gutter", "Dinas PUPR / Sumber Daya Air", COMPLAINT, ""),
    ("sampah", "Sampah", "Rubbish and waste collection", "Dinas Lingkungan Hidup", COMPLAINT, ""),
    ("pencemaran", "Pencemaran lingkungan", "Pollution", "Dinas Lingkungan Hidup", COMPLAINT, ""),
    ("pkl_ketertiban", "PKL liar dan ketertiban umum", "Unlicensed street vendors and public order", "Satpol PP", COMPLAINT, ""),
    ("bangunan_liar", "Bangunan liar", "Illegal building", "Satpol PP", COMPLAINT, ""),
    ("parkir_liar", "Parkir liar", "Illegal parking", "Dinas Perhubungan", COMPLAINT, ""),
    ("lalu_lintas", "Lampu dan rambu lalu lintas", "Traffic lights and signs", "Dinas Perhubungan", COMPLAINT, ""),
    ("angkutan_umum", "Angkutan umum (angkot ngetem, trayek)", "Public transport", "Dinas Perhubungan", COMPLAINT, ""),
    ("lampu_jalan", "Lampu jalan (PJU) mati", "Street light out", "Dinas Perhubungan atau Dinas PUPR (pasokan listrik: PLN)", COMPLAINT, ""),
    ("pohon_tumbang", "Pohon tumbang atau membahayakan", "Fallen or dangerous tree", "Dinas Pertamanan / Lingkungan Hidup", COMPLAINT, ""),
    ("taman", "Taman dan ruang terbuka hijau", "Parks and green space", "Dinas Pertamanan / Lingkungan Hidup", COMPLAINT, ""),
    ("kesehatan", "Layanan kesehatan dan puskesmas", "Health services and community clinics", "Dinas Kesehatan", COMPLAINT, ""),
    ("adminduk", "KTP, KK dan administrasi kependudukan", "ID cards and civil registration", "Dinas Kependudukan dan Pencatatan Sipil", COMPLAINT, ""),
    ("sosial", "Bantuan sosial, ODGJ dan pengemis", "Social assistance, mental illness on the street, begging", "Dinas Sosial", COMPLAINT, ""),
    ("pendidikan", "Sekolah (SD dan SMP)", "Primary and junior secondary schools", "Dinas Pendidikan kabupaten/kota (SMA/SMK: provinsi)", COMPLAINT, ""),
    ("air_bersih", "Air bersih (PDAM)", "Piped water (PDAM)", "PDAM (organisasi eksternal)", EXTERNAL, "Laporan diteruskan ke PDAM setempat dan tetap dipantau sampai selesai."),
    ("listrik", "Listrik (PLN)", "Electricity (PLN)", "PLN (organisasi eksternal)", EXTERNAL, "Laporan diteruskan ke PLN dan tetap dipantau sampai selesai; gangguan darurat: hubungi PLN 123."),
    ("telekomunikasi", "Telekomunikasi dan internet", "Telecommunications and internet", "Operator telekomunikasi (organisasi eksternal)", EXTERNAL, "Laporan diteruskan ke operator terkait dan tetap dipantau sampai selesai."),
    ("kebakaran", "Kebakaran", "Fire", "Damkar melalui 112", EMERGENCY, "Kebakaran adalah keadaan darurat: segera hubungi 112 atau pemadam kebakaran (113). Warga tidak menerimanya sebagai laporan biasa karena penanganannya tidak boleh menunggu antrean."),
    ("kejahatan", "Kejahatan dan keamanan", "Crime and security", "Kepolisian melalui 110 / 112", EMERGENCY, "Untuk kejahatan atau ancaman keamanan, segera hubungi polisi di 110 atau layanan darurat 112. Warga tidak menerimanya sebagai laporan biasa."),
    ("lainnya", "Lainnya", "Other", "Pemerintah daerah (ditentukan saat verifikasi)", COMPLAINT, ""),
]


def load(apps, schema_editor):
    Category = apps.get_model("taxonomy", "Category")
    for order, (code, name_id, name_en, hint, handling, referral) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "handler_hint": hint,
                "handling": handling,
                "referral_id": referral,
                "sort_order": order * 10,
                "is_active": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
