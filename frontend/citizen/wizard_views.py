"""The report wizard at /lapor/: one question per screen, a plain form each, so that it works
without JavaScript on any phone (wizard.js adds the map, the camera resize, the live village
search and offline drafts on top).

The draft lives in the session (`DRAFT_KEY`) until it is sent; its photos are kept as pending
uploads tied to the draft (warga.intake.pending). The steps only check what the citizen must
hear at once; `report_submit` checks everything again when the report is sent, and its field
errors are shown next to the row of the summary they belong to.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from warga.accounts.models import User
from warga.errors import WargaError
from warga.intake.pending import (
    pending_draft_new,
    pending_photo_exists,
    pending_photo_remove,
    pending_photos_add,
    pending_photos_discard,
    pending_photos_read,
)
from warga.intake.selectors import reports_similar_before_submit, village_codes_near_point, villages_offered
from warga.intake.services import (
    DESCRIPTION_MAX_LENGTH,
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    IdempotencyKeyReused,
    IntakeUnavailable,
    RateLimited,
    report_submit,
    report_support,
    submission_ip_budget_spend,
)
from warga.photos import MAX_PHOTOS
from warga.regions.selectors import VillageMatch, villages_by_codes
from warga.reports.errors import ReportInvalid, ReportNotFound
from warga.reports.models import Privacy, ReportType
from warga.taxonomy.models import Category, Datatype, Handling
from warga.taxonomy.questions import (
    ANSWERS_FIELD,
    STRING_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AnswersInvalid,
    Question,
    answers_described,
    questions_by_category,
    questions_for,
    validate_answers,
)
from warga.taxonomy.selectors import categories_active, category_get
from warga.web.client_ip import client_ip, ip_budget_key

DRAFT_KEY = "report_wizard"
DONE_KEY = "report_wizard_done"
LAST_VILLAGE_KEY = "report_wizard_last_village"

# Pictograms beside each national category: symbols of one SVG sprite
# (static/frontend/icons/categories.svg), display only; a category without its own symbol
# (a government's local one) gets the generic sign.
CATEGORY_ICONS = frozenset(
    {
        "jalan_rusak",
        "banjir",
        "saluran_tersumbat",
        "sampah",
        "pencemaran",
        "pkl_ketertiban",
        "bangunan_liar",
        "parkir_liar",
        "lalu_lintas",
        "angkutan_umum",
        "lampu_jalan",
        "pohon_tumbang",
        "taman",
        "kesehatan",
        "adminduk",
        "sosial",
        "pendidikan",
        "air_bersih",
        "listrik",
        "telekomunikasi",
        "kebakaran",
        "kejahatan",
    }
)
DEFAULT_ICON = "lainnya"


def _icon(code: str) -> str:
    return code if code in CATEGORY_ICONS else DEFAULT_ICON


@dataclass(frozen=True)
class Step:
    slug: str
    url_name: str
    title: str


def _steps() -> list[Step]:
    return [
        Step("foto", "wizard-photo", _("Photo")),
        Step("tempat", "wizard-place", _("Place")),
        Step("kategori", "wizard-category", _("Category")),
        Step("uraian", "wizard-details", _("Description")),
        Step("serupa", "wizard-similar", _("Similar reports")),
        Step("kirim", "wizard-submit", _("Check and send")),
    ]


# The steps a citizen can answer without a connection (the service worker keeps a copy).
OFFLINE_STEPS = ("foto", "tempat", "kategori", "uraian")

# Which step answers for each field the intake service may complain about.
FIELD_STEP = {
    "photos": "foto",
    "latitude": "tempat",
    "longitude": "tempat",
    "village_code": "tempat",
    "category_code": "kategori",
    "type": "kategori",
    "description": "uraian",
    "privacy": "uraian",
}


# --- The draft -----------------------------------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any]:
    draft = request.session.get(DRAFT_KEY)
    if not isinstance(draft, dict) or "draft_id" not in draft:
        draft = {"draft_id": pending_draft_new(), "idempotency_key": str(uuid.uuid4()), "photos": []}
        request.session[DRAFT_KEY] = draft
    return draft


def _save(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT_KEY] = draft
    request.session.modified = True


def _first_missing(draft: dict[str, Any]) -> str | None:
    """The first step whose answer the draft lacks (the similar-reports step asks nothing)."""
    if not draft.get("photos") and not draft.get("no_photo"):
        return "foto"
    if not draft.get("village_code") or draft.get("latitude") is None:
        return "tempat"
    if not draft.get("category_code"):
        return "kategori"
    if not draft.get("description") or not draft.get("privacy"):
        return "uraian"
    return None


def _step_url(slug: str) -> str:
    return reverse(next(step.url_name for step in _steps() if step.slug == slug))


def _guard(request: HttpRequest, draft: dict[str, Any], slug: str) -> HttpResponse | None:
    """Send the citizen back to the first unanswered step before `slug`. The service worker's
    copy of a step (fetched with X-Warga-Shell, for offline use) is the step itself."""
    if request.method == "GET" and slug in OFFLINE_STEPS and request.headers.get("X-Warga-Shell") == "1":
        return None
    order = [step.slug for step in _steps()]
    missing = _first_missing(draft)
    if missing is not None and order.index(missing) < order.index(slug):
        return HttpResponseRedirect(_step_url(missing))
    return None


def _render(
    request: HttpRequest, slug: str, context: dict[str, Any], errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    steps = _steps()
    position = next(i for i, step in enumerate(steps) if step.slug == slug)
    errors = errors or {}
    return render(
        request,
        f"frontend/citizen/wizard/{slug}.html",
        {
            "step": steps[position],
            "step_number": position + 1,
            "step_count": len(steps),
            "previous_url": reverse(steps[position - 1].url_name) if position else None,
            "errors": errors,
            "error_list": list(errors.items()),
            "next_steps": [reverse(step.url_name) for step in steps],
            "draft_id": request.session.get(DRAFT_KEY, {}).get("draft_id", ""),
            **context,
        },
        status=status,
    )


# --- Steps -------------------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    return HttpResponseRedirect(_step_url(_first_missing(draft) or "kirim"))


@require_http_methods(["GET", "POST"])
def photo(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action.startswith("remove:"):
            token = action.removeprefix("remove:")
            pending_photo_remove(draft_id=draft["draft_id"], token=token)
            draft["photos"] = [p for p in draft["photos"] if p["token"] != token]
            _save(request, draft)
            return HttpResponseRedirect(_step_url("foto"))
        uploads = [(file.name or "foto", file) for file in request.FILES.getlist("photos")]
        if uploads:
            kept, problems = pending_photos_add(draft_id=draft["draft_id"], already=len(draft["photos"]), files=uploads)
            if problems:
                errors["photos"] = " ".join(problem.message for problem in problems)
            else:
                draft["photos"] += [{"token": p.token, "name": p.name} for p in kept]
                draft["no_photo"] = False
                _save(request, draft)
        if not errors:
            if action == "add":
                return HttpResponseRedirect(_step_url("foto"))
            if action == "skip":
                draft["no_photo"] = True
                _save(request, draft)
                return HttpResponseRedirect(_step_url("tempat"))
            if draft["photos"]:
                return HttpResponseRedirect(_step_url("tempat"))
            errors["photos"] = _(
                "Add at least one photo of the problem, or choose “Continue without a photo” if it cannot be photographed."
            )
    return _render(
        request,
        "foto",
        {"photos": draft["photos"], "max_photos": MAX_PHOTOS, "room": MAX_PHOTOS - len(draft["photos"])},
        errors,
        status=400 if errors else 200,
    )


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ".").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _place_errors(latitude: float | None, longitude: float | None, raw_lat: str, raw_lon: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if latitude is None or longitude is None:
        if not raw_lat.strip() and not raw_lon.strip():
            errors["latitude"] = _("Mark the place: press “Use my location”, drag the pin, or type its coordinates.")
        else:
            errors["latitude"] = _("Latitude and longitude must be numbers, for example -6.9147 and 107.6098.")
        return errors
    if not (
        LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    ):
        errors["latitude"] = _(
            "This place is outside Indonesia. Warga only takes reports from places in Indonesia: move the pin."
        )
    return errors


@require_http_methods(["GET", "POST"])
def place(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if (redirect := _guard(request, draft, "tempat")) is not None:
        return redirect
    errors: dict[str, str] = {}
    data = request.POST if request.method == "POST" else {}
    raw_lat = data.get("latitude", "" if draft.get("latitude") is None else str(draft["latitude"]))
    raw_lon = data.get("longitude", "" if draft.get("longitude") is None else str(draft["longitude"]))
    query = data.get("cari", "").strip()
    chosen = data.get("village_code", draft.get("village_code", ""))
    latitude, longitude = _number(raw_lat), _number(raw_lon)
    point = (latitude, longitude) if latitude is not None and longitude is not None else None
    results: list[tuple[VillageMatch, bool]] = []
    searched = False
    if request.method == "POST" and data.get("action") == "search":
        searched = True
        if len(query) < 3:
            errors["cari"] = _("Type at least 3 letters of the kelurahan or desa name.")
        else:
            results = villages_offered(query=query, limit=10, point=point)
    elif request.method == "POST":
        errors = _place_errors(latitude, longitude, raw_lat, raw_lon)
        found = villages_by_codes(codes=[chosen]) if chosen else []
        if not found:
            errors["village_code"] = _("Choose the kelurahan or desa from the official list: type its name and search.")
        if not errors and latitude is not None and longitude is not None:
            village = found[0]
            draft.update(latitude=latitude, longitude=longitude, village_code=village.code)
            _save(request, draft)
            request.session[LAST_VILLAGE_KEY] = village.code
            return HttpResponseRedirect(_step_url("kategori"))
    # Before any search: the village already chosen, the last one used, those near the pin.
    offered_codes = [chosen, request.session.get(LAST_VILLAGE_KEY, "")]
    if point is not None and _place_errors(latitude, longitude, raw_lat, raw_lon) == {}:
        offered_codes += village_codes_near_point(latitude=point[0], longitude=point[1])
    suggestions = [v for v in villages_by_codes(codes=offered_codes) if v.code not in {m.code for m, _n in results}]
    return _render(
        request,
        "tempat",
        {
            "latitude": raw_lat,
            "longitude": raw_lon,
            "query": query,
            "results": results,
            "searched": searched,
            "suggestions": suggestions,
            "chosen": chosen,
        },
        errors,
        status=400 if errors else 200,
    )


def _categories(query: str) -> list[dict[str, Any]]:
    text = query.strip().lower()
    found = []
    for category in categories_active():
        if text and text not in category.name_id.lower() and text not in category.name_en.lower():
            continue
        found.append({"category": category, "icon": _icon(category.code)})
    return found


@require_http_methods(["GET", "POST"])
def category(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if (redirect := _guard(request, draft, "kategori")) is not None:
        return redirect
    errors: dict[str, str] = {}
    emergency: Category | None = None
    query = request.GET.get("q", "")
    chosen = draft.get("category_code", "")
    if request.method == "POST":
        chosen = request.POST.get("category_code", "")
        found = category_get(code=chosen) if chosen else None
        if found is None or not found.is_active:
            errors["category_code"] = _("Choose the kind of problem from the list.")
        elif found.handling == Handling.EMERGENCY_REFERRAL:
            # Nothing is kept: an emergency is not a queued complaint.
            emergency = found
            draft.pop("category_code", None)
            _save(request, draft)
            errors["category_code"] = _("This is an emergency: call 112 now. Warga does not take it as a report.")
        else:
            if draft.get("category_code") != found.code:
                # Another category asks other questions.
                draft.pop("answers", None)
            draft["category_code"] = found.code
            _save(request, draft)
            return HttpResponseRedirect(_step_url("uraian"))
    return _render(
        request,
        "kategori",
        {"categories": _categories(query), "query": query, "chosen": chosen, "emergency": emergency},
        errors,
        status=400 if errors else 200,
    )


def _privacy_choices() -> list[tuple[str, str, str]]:
    return [
        (
            Privacy.PUBLIK,
            _("Public"),
            _("Everyone can see the report; the officials handling it can see your name."),
        ),
        (
            Privacy.ANONIM,
            _("Anonymous"),
            _("Everyone can see the report, but nobody (officials included) sees who sent it."),
        ),
        (
            Privacy.RAHASIA,
            _("Confidential"),
            _("Only the government handling it sees the report; not shown on the public map."),
        ),
    ]


ANSWER_PREFIX = "answer-"


def _answer_problems() -> dict[str, str]:
    """What the citizen is told next to a question, by the code of intake's refusal (the
    service's own sentence, in Bahasa Indonesia, for any other)."""
    return {
        "required": _("Answer this question."),
        "not_a_number": _("Enter a number only, for example 30 or 2.5, without the unit."),
        "out_of_range": _("This number is too large."),
        "not_a_datetime": _("Enter the date and time, for example 2026-12-04 07:30."),
        "unknown_value": _("Choose from the list."),
        "not_single": _("Give one answer only."),
        "too_long": _("This answer is too long: shorten it."),
    }


def _answers_given(data: Any, questions: list[Question]) -> dict[str, Any]:
    """The form's answers, keyed by question code (a multivaluelist's ticked boxes as a list)."""
    return {
        q.code: data.getlist(ANSWER_PREFIX + q.code)
        if q.datatype == Datatype.MULTIVALUELIST
        else data.get(ANSWER_PREFIX + q.code, "")
        for q in questions
    }


def _answer_errors(invalid: WargaError) -> dict[str, str]:
    problems = _answer_problems()
    errors = {}
    for field, items in (invalid.fields or {}).items():
        key = ANSWER_PREFIX + field.removeprefix(ANSWERS_FIELD + ".") if field != ANSWERS_FIELD else "uraian"
        errors[key] = " ".join(problems.get(item.code, item.message) for item in items)
    return errors


def _question_fields(
    questions: list[Question], answers: dict[str, Any], errors: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """What the template needs to draw each question as a form field, in the page's language."""
    language = translation.get_language() or "id"
    fields = []
    for question in questions:
        given = answers.get(question.code, [] if question.datatype == Datatype.MULTIVALUELIST else "")
        fields.append(
            {
                "question": question,
                "name": ANSWER_PREFIX + question.code,
                "label": question.description(language),
                "value": given,
                "chosen": given if isinstance(given, list) else [str(given)],
                "choices": [(value.key, value.name(language)) for value in question.values],
                "max_length": TEXT_MAX_LENGTH if question.datatype == Datatype.TEXT else STRING_MAX_LENGTH,
                "error": (errors or {}).get(ANSWER_PREFIX + question.code, ""),
            }
        )
    return fields


@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if (redirect := _guard(request, draft, "uraian")) is not None:
        return redirect
    errors: dict[str, str] = {}
    description = draft.get("description", "")
    privacy = draft.get("privacy", Privacy.PUBLIK)
    category_code = draft.get("category_code", "")
    questions = questions_for(category_code) if category_code else []
    answers: dict[str, Any] = draft.get("answers", {})
    if request.method == "POST":
        description = request.POST.get("description", "")
        privacy = request.POST.get("privacy", "")
        answers = _answers_given(request.POST, questions)
        text = description.strip()
        if not text:
            errors["description"] = _("Describe the problem: what is wrong, and since when.")
        elif len(text) > DESCRIPTION_MAX_LENGTH:
            errors["description"] = _("The description may be at most %(max)d characters (now %(now)d).") % {
                "max": DESCRIPTION_MAX_LENGTH,
                "now": len(text),
            }
        if privacy not in Privacy.values:
            errors["privacy"] = _("Choose who may see the report.")
        cleaned: dict[str, Any] = {}
        try:
            # The one check of the answers (intake runs it again when the report is sent).
            cleaned = validate_answers(category_code, answers, questions=questions)
        except AnswersInvalid as invalid:
            errors.update(_answer_errors(invalid))
        if not errors:
            draft.update(description=text, privacy=privacy, answers=cleaned)
            _save(request, draft)
            return HttpResponseRedirect(_step_url("serupa"))
    # The offline copy of this step serves whatever category the phone's draft has: it carries
    # every category's questions, each group disabled until wizard.js enables the draft's.
    shell = request.method == "GET" and request.headers.get("X-Warga-Shell") == "1"
    if shell:
        groups = [
            {"category_code": code, "fields": _question_fields(group, {})}
            for code, group in questions_by_category().items()
        ]
    else:
        groups = (
            [{"category_code": category_code, "fields": _question_fields(questions, answers, errors)}]
            if questions
            else []
        )
    return _render(
        request,
        "uraian",
        {
            "description": description,
            "privacy": privacy,
            "privacy_choices": _privacy_choices(),
            "max_length": DESCRIPTION_MAX_LENGTH,
            "question_groups": groups,
            "shell": shell,
        },
        errors,
        status=400 if errors else 200,
    )


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def similar(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if (redirect := _guard(request, draft, "serupa")) is not None:
        return redirect
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), "/akun/login/")
    errors: dict[str, str] = {}
    if request.method == "POST":
        number = request.POST.get("tracking_number", "")
        try:
            outcome = report_support(acting_user=user, tracking_number=number)
        except ReportNotFound as missing:
            errors["support"] = missing.message
        except ReportInvalid as refused:
            errors["support"] = " ".join(item.message for items in refused.errors.values() for item in items)
        else:
            pending_photos_discard(draft_id=draft["draft_id"])
            request.session.pop(DRAFT_KEY, None)
            request.session[DONE_KEY] = {"supported": outcome.tracking_number, "count": outcome.support_count}
            return HttpResponseRedirect(reverse("wizard-supported"))
    found = reports_similar_before_submit(
        village_code=draft["village_code"],
        category_code=draft["category_code"],
        latitude=draft["latitude"],
        longitude=draft["longitude"],
        description=draft["description"],
    )
    if not found and request.method == "GET":
        return HttpResponseRedirect(_step_url("kirim"))
    return _render(request, "serupa", {"reports": found}, errors, status=400 if errors else 200)


def _summary(draft: dict[str, Any]) -> dict[str, Any]:
    villages = villages_by_codes(codes=[draft.get("village_code", "")])
    found = category_get(code=draft.get("category_code", ""))
    privacy = {value: label for value, label, _hint in _privacy_choices()}
    return {
        "photos": draft.get("photos", []),
        "village": villages[0] if villages else None,
        "latitude": draft.get("latitude"),
        "longitude": draft.get("longitude"),
        "category": found,
        "icon": _icon(draft.get("category_code", "")),
        "description": draft.get("description", ""),
        "privacy_label": privacy.get(draft.get("privacy", ""), ""),
        "answers": answers_described(
            draft.get("category_code", ""), draft.get("answers", {}), translation.get_language() or "id"
        ),
    }


def _photos_lost(draft: dict[str, Any]) -> bool:
    """Whether photos of the draft were swept from storage (a draft left for over a day); the
    lost ones are dropped from the draft so that the citizen sees what is left."""
    kept = [p for p in draft["photos"] if pending_photo_exists(draft_id=draft["draft_id"], token=p["token"])]
    lost = len(kept) < len(draft["photos"])
    draft["photos"] = kept
    return lost


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if (redirect := _guard(request, draft, "kirim")) is not None:
        return redirect
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(request.get_full_path(), "/akun/login/")
    errors: dict[str, str] = {}
    retry_after = 0
    if request.method == "POST":
        # The same per-IP budget as the API's submissions.
        retry_after = submission_ip_budget_spend(ip_key=ip_budget_key(client_ip(request)))
    if retry_after:
        errors["kirim"] = _(
            "Too many new reports from your internet network (the same IP address) in a short time. Try again in %(minutes)d minutes."
        ) % {"minutes": math.ceil(retry_after / 60)}
    elif request.method == "POST" and _photos_lost(draft):
        _save(request, draft)
        errors["foto"] = _(
            "Some photos were kept too long on the server and were removed. Add them again, or send without them."
        )
    elif request.method == "POST":
        try:
            submission = report_submit(
                acting_user=user,
                type=ReportType.PENGADUAN,
                category_code=draft["category_code"],
                description=draft["description"],
                latitude=draft["latitude"],
                longitude=draft["longitude"],
                village_code=draft["village_code"],
                privacy=draft["privacy"],
                idempotency_key=draft["idempotency_key"],
                answers=draft.get("answers", {}),
                photos=pending_photos_read(draft_id=draft["draft_id"], tokens=[p["token"] for p in draft["photos"]]),
            )
        except ReportInvalid as invalid:
            for field, items in invalid.errors.items():
                key = FIELD_STEP.get(field, "uraian" if field.startswith(ANSWERS_FIELD) else "kirim")
                errors[key] = " ".join([errors.get(key, "")] + [item.message for item in items]).strip()
        except (RateLimited, IdempotencyKeyReused, IntakeUnavailable) as refused:
            errors["kirim"] = refused.message
        else:
            pending_photos_discard(draft_id=draft["draft_id"])
            request.session.pop(DRAFT_KEY, None)
            request.session[DONE_KEY] = {
                "tracking_number": submission.tracking_number,
                "government_code": submission.government_code,
                "government_name": submission.government_name,
                "village_code": draft["village_code"],
            }
            return HttpResponseRedirect(reverse("wizard-done", args=[submission.tracking_number]))
    return _render(
        request,
        "kirim",
        {"summary": _summary(draft), "step_urls": {step.slug: reverse(step.url_name) for step in _steps()}},
        errors,
        status=400 if errors else 200,
    )


def done(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The confirmation, shown to the session that sent the report (a reload shows it again)."""
    sent = request.session.get(DONE_KEY) or {}
    if sent.get("tracking_number") != tracking_number:
        raise Http404(_("No report with that number was sent from this device."))
    villages = villages_by_codes(codes=[sent["village_code"]])
    village = villages[0] if villages else None
    owner_code = sent["government_code"]
    if village is None or owner_code == village.regency_code:
        landed = "regency"
    elif owner_code == village.province_code:
        landed = "province"
    else:
        landed = "national"
    return render(
        request,
        "frontend/citizen/wizard/selesai.html",
        {"sent": sent, "village": village, "landed": landed},
    )


def supported(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(DONE_KEY) or {}
    if "supported" not in sent:
        return HttpResponseRedirect(reverse("wizard-start"))
    return render(request, "frontend/citizen/wizard/didukung.html", {"sent": sent})


@require_POST
def restart(request: HttpRequest) -> HttpResponse:
    """Abandon the draft (its photos go with it) and start again."""
    draft = request.session.pop(DRAFT_KEY, None)
    if isinstance(draft, dict) and "draft_id" in draft:
        pending_photos_discard(draft_id=draft["draft_id"])
    return HttpResponseRedirect(reverse("wizard-start"))


def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Warga installs on a phone's home screen and opens at /lapor/."""
    icons = [
        {"src": static("frontend/icons/warga-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("frontend/icons/warga-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("frontend/icons/warga-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("frontend/icons/warga.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "name": "Warga: lapor masalah di lingkungan Anda",
        "short_name": "Warga",
        "description": _("Report a problem in your neighbourhood to the regional government that can fix it."),
        "lang": "id",
        "start_url": "/lapor/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
