"""`/kantor/laporan/<nomor>/`: one report as its government's officials see it, and every action
their seat allows on it, each a plain form POST to `/kantor/laporan/<nomor>/<aksi>/` calling
the service the API calls (post-redirect-get; a refusal re-renders the page with the error by
its field and the policy's reason in words).

Another government's number, on this host, is a 404 whoever asks: reports are read from the
host's schema only (`report_get_for_actor`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from frontend.office.access import acting_user, office_page
from tenants.models import Government
from warga.access.policy import Action, policy_decide
from warga.accounts.models import User
from warga.accounts.selectors import user_display_names
from warga.intake.services import report_transfer
from warga.notifications.models import Channel, EventKind
from warga.notifications.selectors import notifications_of_report
from warga.organization.models import UnitKind
from warga.organization.selectors import field_officers_of, today_in, units_list
from warga.personal_data_registry import ERASED_USER_ID
from warga.reports.errors import ReportError, ReportInvalid, ReportNotFound
from warga.reports.lifecycle import OPEN_STATUSES, Status, allowed_next
from warga.reports.models import PhotoKind, PhotoState, Priority, Privacy, Report
from warga.reports.selectors import (
    report_assignment_current,
    report_comments,
    report_external_forwards,
    report_get_for_actor,
    report_handling_unit_id,
    report_internal_notes,
    report_photos,
    report_timeline_for_official,
    reporter_visible_to_officials,
    response_template_render,
    response_templates_for,
)
from warga.reports.services import (
    INTERNAL_NOTE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    UNIT_TRANSFERABLE_STATUSES,
    ProofInput,
    report_assign,
    report_comment_add,
    report_forward_answer,
    report_forward_external,
    report_merge,
    report_note_add,
    report_priority_set,
    report_resolve,
    report_transition,
    report_unit_transfer,
)
from warga.routing.models import Target
from warga.routing.selectors import report_routing_get
from warga.taxonomy.questions import answers_described
from warga.taxonomy.selectors import category_get

NOT_FOUND = "Laporan dengan nomor itu tidak ditemukan di pemerintah daerah ini. (No such report here.)"
NATIONAL_DESK = "NAS"


# --- forms: one per action, field names in the page's language ----------------------------------


class VerifyForm(forms.Form):
    unit = forms.TypedChoiceField(coerce=int, label=_("Dispose to unit"))
    catatan = forms.CharField(
        required=False, max_length=NOTE_MAX_LENGTH, label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    petugas = forms.ChoiceField(label=_("Field officer"))
    catatan = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label=_("Instructions (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PriorityForm(forms.Form):
    prioritas = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    alasan = forms.CharField(max_length=NOTE_MAX_LENGTH, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeferForm(forms.Form):
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Why it waits"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(forms.Form):
    tujuan = forms.CharField(
        max_length=5,
        label=_("Government to transfer to"),
        help_text=_("Kemendagri code, e.g. 32.04 or 31; NAS for the national triage desk."),
    )
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Why this is not our authority"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MoveForm(forms.Form):
    unit = forms.TypedChoiceField(coerce=int, label=_("Unit to move it to"))
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Why it moves"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    ke = forms.CharField(max_length=32, label=_("Tracking number of the report it repeats"))
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("Why they are the same"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(forms.Form):
    foto = forms.FileField(
        label=_("Proof photo"),
        help_text=_("Take it at the place, after the fix."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    diambil = forms.DateTimeField(
        label=_("Taken at"),
        help_text=_("Filled in by your phone when it can; otherwise type it."),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"),
    )
    lintang = forms.FloatField(
        min_value=-90,
        max_value=90,
        label=_("Latitude where taken"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    bujur = forms.FloatField(
        min_value=-180,
        max_value=180,
        label=_("Longitude where taken"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    catatan = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        label=_("What was done (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ForwardForm(forms.Form):
    unit = forms.TypedChoiceField(coerce=int, label=_("External organisation"))
    email = forms.EmailField(
        label=_("Its email address (may be left empty when the organisation has a webhook)"), required=False
    )
    alasan = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("What you ask of it"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    penerusan = forms.TypedChoiceField(coerce=int, label=_("Forward answered"))
    jawaban = forms.CharField(
        max_length=NOTE_MAX_LENGTH, label=_("The organisation's answer"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(forms.Form):
    isi = forms.CharField(
        max_length=4000, label=_("Reply to the citizen (public)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    isi = forms.CharField(
        max_length=INTERNAL_NOTE_MAX_LENGTH,
        label=_("Internal note (officials of this government only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


FORMS: dict[str, type[forms.Form]] = {
    "verifikasi": VerifyForm,
    "tugaskan": AssignForm,
    "prioritas": PriorityForm,
    "tunda": DeferForm,
    "alihkan": TransferForm,
    "pindahkan": MoveForm,
    "gabung": MergeForm,
    "selesaikan": ResolveForm,
    "teruskan": ForwardForm,
    "jawaban": AnswerForm,
    "balas": ReplyForm,
    "catatan": NoteForm,
}
# A service's field name -> the form field that shows its refusal.
SERVICE_FIELDS = {
    "unit_id": "unit",
    "assignee_id": "petugas",
    "priority": "prioritas",
    "note": "alasan",
    "to_government_code": "tujuan",
    "into_tracking_number": "ke",
    "proofs": "foto",
    "body": "isi",
    "contact_email": "email",
    "answer": "jawaban",
}


def _refusal_into(form: forms.Form, error: ReportError) -> None:
    if isinstance(error, ReportInvalid):
        for name, problems in error.errors.items():
            field = SERVICE_FIELDS.get(name)
            if field not in form.fields and name == "note" and "catatan" in form.fields:
                field = "catatan"
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem.message)
    else:
        form.add_error(None, error.message)


# --- what the page shows --------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    act: bool
    act_reason: str
    verify: bool
    assign: bool
    priority: bool
    defer: bool
    transfer: bool
    move: bool
    merge: bool
    resolve: bool
    reply: bool
    forward: bool
    templates: bool
    reveal: bool


def _allowed(user: User, government: Government, report: Report) -> Allowed:
    unit_id = report_handling_unit_id(report=report)
    decision = policy_decide(actor=user, government=government, action=Action.REPORT_ACT, unit_id=unit_id)
    act = decision.allowed
    following = set(allowed_next(report.status))
    is_open = Status.VERIFIED in following or Status.DEFERRED in following or Status.RESOLVED in following
    reveal = (
        report.privacy == Privacy.RAHASIA
        and policy_decide(actor=user, government=government, action=Action.IDENTITY_REVEAL).allowed
    )
    return Allowed(
        act=act,
        act_reason="" if act else decision.message,
        verify=act and Status.VERIFIED in following,
        assign=act and report.status in {Status.VERIFIED, Status.IN_PROGRESS, Status.REOPENED},
        priority=act and is_open,
        defer=act and Status.DEFERRED in following,
        transfer=act and Status.TRANSFERRED in following,
        move=act and report.status in UNIT_TRANSFERABLE_STATUSES,
        merge=act and Status.MERGED in following,
        resolve=act and Status.RESOLVED in following,
        reply=act,
        forward=act and report.status in OPEN_STATUSES and report.status != Status.TRANSFERRED,
        templates=policy_decide(actor=user, government=government, action=Action.ORGANIZATION_EDIT).allowed,
        reveal=reveal,
    )


def _unit_choices(report: Report) -> list[tuple[str, str]]:
    kinds = {UnitKind.AGENCY, UnitKind.EXTERNAL, UnitKind.AREA, UnitKind.KECAMATAN, UnitKind.GOVERNMENT}
    prefix = report.village_code
    units = [u for u in units_list() if u.kind in kinds or (u.region_code and prefix.startswith(u.region_code))]
    return [(str(u.pk), f"{u.name} ({UnitKind(u.kind).label.split(' (')[0]})") for u in units]


def _external_unit_ids() -> set[int]:
    return {u.pk for u in units_list() if u.kind == UnitKind.EXTERNAL}


def _officer_choices(report: Report, government: Government) -> list[tuple[str, str]]:
    unit_id = report_handling_unit_id(report=report)
    if unit_id is None:
        return []
    officers = field_officers_of(unit_id=unit_id, on=today_in(government=government))
    names = user_display_names(user_ids=[o.user_id for o in officers])
    return [
        (str(o.user_id), f"{names.get(o.user_id, '')} · {'Plt. ' if o.is_acting else ''}{o.title}") for o in officers
    ]


def _forms(report: Report, government: Government, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    made: dict[str, forms.Form] = {}
    for name, form_class in FORMS.items():
        form = bound.get(name) or form_class(
            prefix=name, initial={"prioritas": report.priority} if name == "prioritas" else None
        )
        made[name] = form
    cast(forms.ChoiceField, made["verifikasi"].fields["unit"]).choices = _unit_choices(report)
    handling = report_handling_unit_id(report=report)
    external = _external_unit_ids()
    cast(forms.ChoiceField, made["pindahkan"].fields["unit"]).choices = [
        (value, label)
        for value, label in _unit_choices(report)
        if value != str(handling) and int(value) not in external
    ]
    cast(forms.ChoiceField, made["tugaskan"].fields["petugas"]).choices = _officer_choices(report, government)
    cast(forms.ChoiceField, made["teruskan"].fields["unit"]).choices = [
        (str(u.pk), u.name) for u in units_list() if u.kind == UnitKind.EXTERNAL
    ]
    cast(forms.ChoiceField, made["jawaban"].fields["penerusan"]).choices = [
        (str(f.pk), f"{f.unit.name} · {f.sent_at:%d-%m-%Y}")
        for f in report_external_forwards(report=report)
        if not f.answer
    ]
    if "verifikasi" not in bound:
        made["verifikasi"].initial = {"unit": handling}
    return made


NOTIFICATION_KINDS = {kind.value: kind.label for kind in EventKind}
CHANNELS = {channel.value: channel.label for channel in Channel}


def _context(
    request: HttpRequest, government: Government, report: Report, bound: dict[str, forms.Form]
) -> dict[str, Any]:
    user = acting_user(request)
    zone = ZoneInfo(government.time_zone)
    events = report_timeline_for_official(report=report)
    notes = list(report_internal_notes(report=report))
    notified = list(notifications_of_report(report_id=report.pk))
    comments = list(report_comments(report=report))
    assignment = report_assignment_current(report=report)
    routing = report_routing_get(report_id=report.pk)
    show_reporter = reporter_visible_to_officials(report=report)
    names = user_display_names(
        user_ids=[e.actor_id for e in events if e.actor_id]
        + [n.author_id for n in notes]
        + [n.recipient_id for n in notified]
        + ([assignment.assignee_id] if assignment else [])
        + ([report.reporter_id] if show_reporter else [])
    )

    def who(user_id: uuid.UUID | None) -> str:
        if user_id is None:
            return gettext("System")
        if user_id == ERASED_USER_ID:
            return gettext("Deleted account")
        if user_id == report.reporter_id:
            return gettext("Reporter") + (f" ({names[user_id]})" if show_reporter and user_id in names else "")
        return names.get(user_id, gettext("Unknown account"))

    photos = [p for p in report_photos(report=report) if p.state == PhotoState.READY]
    category = category_get(code=report.category_code)
    steps = []
    if routing is not None:
        for number, step in enumerate(routing.steps, start=1):
            due = datetime.datetime.fromisoformat(step["due_at"]) if step.get("due_at") else None
            steps.append(
                {
                    "number": number,
                    "target": Target(step["target"]).label if step.get("target") in Target.values else "",
                    "due_at": due.astimezone(zone) if due else None,
                    "is_current": number == routing.current_step + 1,
                    "is_past": number <= routing.current_step,
                }
            )
    due_at = routing.running_due_at if routing is not None else None
    now = timezone.now()
    sla_state = (
        "no_deadline"
        if due_at is None
        else ("overdue" if due_at < now else ("due_soon" if due_at < now + datetime.timedelta(hours=24) else "on_time"))
    )
    return {
        "government": government,
        "report": report,
        "category": category.name_id if category else report.category_code,
        "answers": answers_described(report.category_code, report.answers, translation.get_language() or "id"),
        "status_label": Status(report.status).label,
        "priority_label": Priority(report.priority).label,
        "privacy_label": Privacy(report.privacy).label,
        "reporter": who(report.reporter_id) if show_reporter else "",
        "created_local": report.created_at.astimezone(zone),
        "photos": [p for p in photos if p.kind == PhotoKind.REPORT],
        "proofs": [p for p in photos if p.kind == PhotoKind.PROOF],
        "events": [
            {
                "who": who(e.actor_id),
                "from": e.from_status,
                "to": Status(e.to_status).label if e.to_status in Status.values else e.to_status,
                "note": e.note,
                "at": e.at.astimezone(zone),
            }
            for e in events
        ],
        "notes": [{"who": who(n.author_id), "body": n.body, "at": n.created_at.astimezone(zone)} for n in notes],
        "notified": [
            {
                "who": who(n.recipient_id),
                "kind": NOTIFICATION_KINDS.get(n.kind, n.kind),
                "channel": CHANNELS.get(n.channel, n.channel),
                "status": n.status,
                "at": n.created_at.astimezone(zone),
                "sent_at": n.sent_at.astimezone(zone) if n.sent_at else None,
            }
            for n in notified
        ],
        "comments": [
            {"role": c.get_role_display(), "body": c.body, "at": c.created_at.astimezone(zone)} for c in comments
        ],
        "assignee": who(assignment.assignee_id) if assignment else "",
        "forwards": [
            {
                "unit": f.unit.name,
                "email": f.contact_email,
                "note": f.note,
                "at": f.sent_at.astimezone(zone),
                "answer": f.answer,
                "answered_at": f.answered_at.astimezone(zone) if f.answered_at else None,
            }
            for f in report_external_forwards(report=report)
        ],
        "routing": routing,
        "steps": steps,
        "due_at": due_at.astimezone(zone) if due_at else None,
        "sla_state": sla_state,
        "allowed": _allowed(user, government, report),
        "forms": _forms(report, government, bound),
        "bound": next(iter(bound), ""),
        "more_open": bool(set(bound) & {"prioritas", "tunda", "alihkan", "pindahkan", "gabung", "teruskan", "jawaban"}),
    }


def _report_or_404(request: HttpRequest, tracking_number: str) -> Report:
    report = report_get_for_actor(actor=acting_user(request), tracking_number=tracking_number)
    if report is None:
        raise Http404(NOT_FOUND)
    return report


def _with_template(context: dict[str, Any], request: HttpRequest, government: Government, report: Report) -> None:
    """The reply form's templates, and (`?templat=<id>`) the reply started from one of them."""
    templates = list(response_templates_for(category_code=report.category_code))
    context["reply_templates"] = templates
    chosen = request.GET.get("templat", "")
    template = next((t for t in templates if str(t.pk) == chosen), None)
    context["chosen_template"] = template.pk if template else None
    if template is not None and "balas" in context["forms"] and not context["forms"]["balas"].is_bound:
        routing = context["routing"]
        unit = report.unit or (routing.handling_unit if routing is not None else None)
        text = response_template_render(
            template=template,
            report=report,
            unit_name=unit.name if unit else government.name,
            on=today_in(government=government),
        )
        context["forms"]["balas"] = ReplyForm(prefix="balas", initial={"isi": text})


@require_GET
@office_page(Action.REPORT_VIEW)
def report_page(request: HttpRequest, government: Government, tracking_number: str) -> HttpResponse:
    report = _report_or_404(request, tracking_number)
    context = _context(request, government, report, {})
    _with_template(context, request, government, report)
    return render(request, "frontend/office/report.html", context)


# --- the actions -------------------------------------------------------------------------------------


def _government_code(typed: str) -> str:
    code = typed.strip()
    return NATIONAL_DESK if code.upper() == NATIONAL_DESK else code


def _do(action: str, form: forms.Form, user: User, report: Report, government: Government) -> str:
    """Call the action's service with the form's cleaned data; the sentence to show on success."""
    data = form.cleaned_data
    number = report.tracking_number
    if action == "verifikasi":
        report_transition(
            actor=user, tracking_number=number, to_status=Status.VERIFIED, note=data["catatan"], unit_id=data["unit"]
        )
        return gettext("Verified and disposed.")
    if action == "tugaskan":
        try:
            assignee = uuid.UUID(data["petugas"])
        except ValueError:
            raise ReportInvalid.single("assignee_id", "invalid", "Pilih petugas lapangan dari daftar.") from None
        report_assign(actor=user, tracking_number=number, assignee_id=assignee, note=data["catatan"])
        return gettext("Assigned; the field officer has been notified.")
    if action == "prioritas":
        report_priority_set(actor=user, report_id=report.pk, priority=data["prioritas"], note=data["alasan"])
        return gettext("Priority saved.")
    if action == "tunda":
        report_transition(actor=user, tracking_number=number, to_status=Status.DEFERRED, note=data["alasan"])
        return gettext("Deferred.")
    if action == "alihkan":
        outcome = report_transfer(
            actor=user,
            tracking_number=number,
            from_government=government,
            to_government_code=_government_code(data["tujuan"]),
            note=data["alasan"],
        )
        return gettext("Transferred to %(name)s.") % {"name": outcome.to_government.name}
    if action == "pindahkan":
        moved = report_unit_transfer(actor=user, tracking_number=number, unit_id=data["unit"], note=data["alasan"])
        return gettext("Moved to %(name)s; its heads have been notified.") % {
            "name": moved.unit.name if moved.unit else ""
        }
    if action == "gabung":
        report_merge(
            actor=user, duplicate_tracking_number=number, into_tracking_number=data["ke"].strip(), note=data["alasan"]
        )
        return gettext("Merged.")
    if action == "selesaikan":
        taken = data["diambil"]
        if timezone.is_naive(taken):
            taken = taken.replace(tzinfo=ZoneInfo(government.time_zone))
        proof = ProofInput(file=data["foto"], captured_at=taken, latitude=data["lintang"], longitude=data["bujur"])
        report_resolve(actor=user, tracking_number=number, proofs=[proof], note=data["catatan"])
        return gettext("Resolved with proof; the citizen has been told.")
    if action == "teruskan":
        report_forward_external(
            actor=user, tracking_number=number, unit_id=data["unit"], contact_email=data["email"], note=data["alasan"]
        )
        return gettext("Forwarded to the organisation. The report stays open.")
    if action == "jawaban":
        report_forward_answer(actor=user, forward_id=data["penerusan"], answer=data["jawaban"])
        return gettext("The organisation's answer is recorded.")
    if action == "balas":
        report_comment_add(author=user, report_id=report.pk, body=data["isi"], as_official=True)
        return gettext("Reply published.")
    report_note_add(actor=user, tracking_number=number, body=data["isi"])
    return gettext("Internal note saved.")


@require_POST
@office_page(Action.REPORT_VIEW)
def report_action(request: HttpRequest, government: Government, tracking_number: str, action: str) -> HttpResponse:
    if action not in FORMS:
        raise Http404("Aksi itu tidak ada. (No such action.)")
    user = acting_user(request)
    report = _report_or_404(request, tracking_number)
    form = FORMS[action](request.POST, request.FILES, prefix=action)
    # Choices depend on the report (units, field officers): set before validating.
    bound = _forms(report, government, {action: form})
    form = bound[action]
    if form.is_valid():
        try:
            message = _do(action, form, user, report, government)
        except ReportNotFound:
            raise Http404(NOT_FOUND) from None
        except ReportError as error:
            _refusal_into(form, error)
        else:
            messages.success(request, message)
            if action == "alihkan":
                return HttpResponseRedirect("/kantor/")
            if action == "gabung":
                return HttpResponseRedirect(f"/kantor/laporan/{form.cleaned_data['ke'].strip()}/")
            return HttpResponseRedirect(f"/kantor/laporan/{tracking_number}/#hasil")
    report = _report_or_404(request, tracking_number)
    context = _context(request, government, report, {action: form})
    _with_template(context, request, government, report)
    return render(request, "frontend/office/report.html", context, status=400)
