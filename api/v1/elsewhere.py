"""The answer to a v1 path that is not mounted on this host: the one error body, 404
`not_found`, saying where the path is served (docs/decisions/0090).

Routes answer only on the kinds of host their views declare (tenants.host_kinds), so a request
for a path served on another kind of host matches nothing here; the URLconfs' `handler404`
(config.errors) asks this module for the answer before Django's plain 404 page.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from api.v1.errors import body
from tenants.host_kinds import GOVERNMENT, NATIONAL, OVERSIGHT, PUBLIC, REGIONAL, HostKinds, kinds_answering

# Where a path is served, by the kinds of host that answer it.
SERVED_ON: dict[HostKinds, str] = {
    PUBLIC: "Tersedia di aplikasi warga (alamat nasional), bukan di alamat pemerintah daerah.",
    GOVERNMENT: "Tersedia di alamat pemerintah daerah. (Served on a government's host.)",
    NATIONAL: "Tersedia di alamat pemerintah pusat (nasional). (Served on the national government's host.)",
    OVERSIGHT: (
        "Tersedia di alamat pemerintah pusat dan di alamat pemerintah provinsi (untuk provinsinya). "
        "(Served on the national and province government hosts.)"
    ),
    REGIONAL: (
        "Tersedia di alamat pemerintah provinsi, kabupaten atau kota. "
        "(Served on a province's, regency's or city's government host.)"
    ),
}
NOT_SERVED_HERE = "Tidak tersedia di alamat ini. (Not served on this host.)"
API_PREFIX = "/api/v1/"


def not_served_here(request: HttpRequest) -> JsonResponse | None:
    """404 naming where a v1 path is served, when another kind of host serves it; None for a
    path no host serves (Django's own 404 answers it)."""
    if not request.path_info.startswith(API_PREFIX):
        return None
    kinds = kinds_answering(request.path_info)
    if not kinds:
        return None
    message = SERVED_ON.get(kinds, NOT_SERVED_HERE)
    return JsonResponse(body(code="not_found", message=message), status=404)
