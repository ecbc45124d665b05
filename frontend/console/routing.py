"""Routing: the category -> unit mapping, the rules of the active version, the versions with
their diff and restore, and the dry-run simulator beside them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from frontend.console.base import CONSOLE_PATH, acting_user, console_page, page, refusal_into
from tenants.models import Government
from warga.access.policy import Action
from warga.organization.models import UnitKind
from warga.organization.selectors import people_named, units_for_choice
from warga.reports.models import Priority, ReportType
from warga.routing.defaults import AGENCY_ESCALATION
from warga.routing.models import Target
from warga.routing.selectors import (
    RoutingNotConfigured,
    RoutingPlan,
    category_routes,
    routing_simulate,
    rule_set_active,
    rule_set_change,
    rule_set_get,
    rule_sets_list,
    rules_of,
)
from warga.routing.services import (
    RoutingInvalid,
    rule_set_add_rule,
    rule_set_edit_rule,
    rule_set_map_category,
    rule_set_move_rule,
    rule_set_restore,
)
from warga.taxonomy.selectors import categories_active, category_names

ROUTING_PATH = f"{CONSOLE_PATH}penerusan/"
COORDINATOR = ""  # the "unit" choice meaning: the admin koordinator disposes
ESCALATION_STEPS = 4


def _category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name_id) for c in categories_active()]


def _handling_choices() -> list[tuple[str, str]]:
    units = [u for u in units_for_choice() if u.kind in (UnitKind.AGENCY, UnitKind.EXTERNAL)]
    return [(COORDINATOR, str(gettext_lazy("Admin koordinator (disposes it)")))] + [(str(u.pk), u.name) for u in units]


def _area_unit_choices() -> list[tuple[str, str]]:
    """Units that are a place (an area, a kecamatan, a kelurahan or desa): a rule may apply to
    reports inside one of them."""
    areas = [u for u in units_for_choice() if u.region_code]
    return [("", str(gettext_lazy("(any area)")))] + [
        (str(u.pk), f"{u.name} ({u.region_code})") for u in sorted(areas, key=lambda u: u.region_code)
    ]


def _village_choices() -> list[tuple[str, str]]:
    return [
        (u.region_code, f"{u.name} ({u.region_code})")
        for u in units_for_choice()
        if u.kind in (UnitKind.KELURAHAN, UnitKind.DESA)
    ]


class MappingForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"))
    unit = forms.ChoiceField(label=gettext_lazy("Handled by"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()  # type: ignore[attr-defined]
        self.fields["unit"].choices = _handling_choices()  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the rule"), max_length=200)
    category_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Categories (none: every category)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    area_prefix = forms.CharField(
        label=gettext_lazy("Area code prefix (optional, e.g. 32.73.01)"), max_length=13, required=False
    )
    area_unit = forms.ChoiceField(
        label=gettext_lazy("Area unit (optional): reports inside this kecamatan or kelurahan/desa"), required=False
    )
    report_types = forms.MultipleChoiceField(
        label=gettext_lazy("Report types (none: every type)"),
        required=False,
        choices=ReportType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    priorities = forms.MultipleChoiceField(
        label=gettext_lazy("Priorities (none: every priority)"),
        required=False,
        choices=Priority.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    handling_unit = forms.ChoiceField(label=gettext_lazy("Handled by"), required=False)
    notify = forms.MultipleChoiceField(
        label=gettext_lazy("Notify"), required=False, choices=Target.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_codes"].choices = _category_choices()  # type: ignore[attr-defined]
        self.fields["handling_unit"].choices = _handling_choices()  # type: ignore[attr-defined]
        self.fields["area_unit"].choices = _area_unit_choices()  # type: ignore[attr-defined]
        # The deadline chain: up to ESCALATION_STEPS steps, each a position and its working time.
        for number in range(1, ESCALATION_STEPS + 1):
            self.fields[f"step_{number}_target"] = forms.ChoiceField(
                label=gettext_lazy("Step %(n)s: who") % {"n": number},
                required=False,
                choices=[("", gettext_lazy("(no step)")), *list(Target.choices)],
            )
            self.fields[f"step_{number}_days"] = forms.IntegerField(
                label=gettext_lazy("Step %(n)s: working days") % {"n": number}, required=False, min_value=1
            )
            self.fields[f"step_{number}_minutes"] = forms.IntegerField(
                label=gettext_lazy("Step %(n)s: or working minutes") % {"n": number}, required=False, min_value=1
            )

    def steps(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"step_{n}_target"], self[f"step_{n}_days"], self[f"step_{n}_minutes"])
            for n in range(1, ESCALATION_STEPS + 1)
        ]

    def escalation(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        chain: list[dict[str, Any]] = []
        for n in range(1, ESCALATION_STEPS + 1):
            if not data.get(f"step_{n}_target"):
                continue
            step: dict[str, Any] = {"target": data[f"step_{n}_target"]}
            if data.get(f"step_{n}_days") is not None:
                step["working_days"] = data[f"step_{n}_days"]
            if data.get(f"step_{n}_minutes") is not None:
                step["working_minutes"] = data[f"step_{n}_minutes"]
            chain.append(step)
        return chain

    def as_rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "category_codes": list(data["category_codes"]),
            "area_prefix": data["area_prefix"].strip(),
            "area_unit_id": int(data["area_unit"]) if data["area_unit"] else None,
            "report_types": list(data["report_types"]),
            "priorities": list(data["priorities"]),
            "handling_unit_id": int(data["handling_unit"]) if data["handling_unit"] else None,
            "notify": list(data["notify"]),
            "escalation": self.escalation(),
        }


class SimulateForm(forms.Form):
    category_code = forms.ChoiceField(label=gettext_lazy("Category"))
    village_code = forms.ChoiceField(label=gettext_lazy("Kelurahan or desa"))
    type = forms.ChoiceField(label=gettext_lazy("Report type"), choices=ReportType.choices)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=[("", gettext_lazy("The category's default")), *list(Priority.choices)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_code"].choices = _category_choices()  # type: ignore[attr-defined]
        self.fields["village_code"].choices = _village_choices()  # type: ignore[attr-defined]


SERVICE_FIELDS = {"category_code": "category", "handling_unit_id": "unit"}


def _simulation(form: SimulateForm) -> tuple[RoutingPlan | None, dict[Any, str]]:
    if not form.is_valid():
        return None, {}
    try:
        plan = routing_simulate(**form.cleaned_data)
    except RoutingNotConfigured as error:
        form.add_error(None, str(error))
        return None, {}
    user_ids = [h.user_id for n in plan.notified for h in n.holders] + [
        h.user_id for s in plan.steps for h in s.holders
    ]
    return plan, people_named(user_ids=user_ids)


@require_http_methods(["GET", "POST"])
@console_page(Action.RULES_EDIT)
def routing_page(request: HttpRequest, government: Government) -> HttpResponse:
    mapping = MappingForm(request.POST or None)
    if request.method == "POST" and mapping.is_valid():
        unit = mapping.cleaned_data["unit"]
        try:
            saved = rule_set_map_category(
                acting_user=acting_user(request).pk,
                category_code=mapping.cleaned_data["category"],
                unit_id=int(unit) if unit else None,
            )
        except RoutingInvalid as error:
            refusal_into(mapping, error.field, error.message, SERVICE_FIELDS)
        else:
            messages.success(request, _("Saved as version %(version)s.") % {"version": saved.version})
            return HttpResponseRedirect(ROUTING_PATH + _query_of(request))
    simulate = SimulateForm(request.GET if "category_code" in request.GET else None, auto_id="sim_%s")
    plan, names = _simulation(simulate) if simulate.is_bound else (None, {})
    active = rule_set_active()
    rules = rules_of(rule_set=active) if active else []
    return page(
        request,
        government,
        "routing.html",
        {
            "mapping": mapping,
            "simulate": simulate,
            "plan": plan,
            "names": names,
            "active": active,
            "routes": category_routes(rule_set=active) if active else [],
            "rules": rules,
            "category_names": category_names(codes={code for rule in rules for code in rule.category_codes}),
            "versions": list(rule_sets_list()[:20]),
            "time_zone": government.time_zone,
        },
        section="routing",
    )


def _query_of(request: HttpRequest) -> str:
    """Keep the simulator's question across a change, so that its answer shows the change."""
    kept = {k: request.POST[k] for k in ("category_code", "village_code", "type", "priority") if request.POST.get(k)}
    return f"?{urlencode(kept)}" if kept else ""


@require_http_methods(["GET", "POST"])
@console_page(Action.RULES_EDIT)
def rule_page(request: HttpRequest, government: Government, order: int | None = None) -> HttpResponse:
    """One rule of the active version to change or remove (`order`), or a new rule."""
    active = rule_set_active()
    rule = next((r for r in rules_of(rule_set=active) if r.order == order), None) if active else None
    if order is not None and rule is None:
        raise Http404(_("There is no such rule in the active version."))
    initial: dict[str, Any] = (
        {
            "name": rule.name,
            "category_codes": rule.category_codes,
            "area_prefix": rule.area_prefix,
            "area_unit": str(rule.area_unit_id or ""),
            "report_types": rule.report_types,
            "priorities": rule.priorities,
            "handling_unit": str(rule.handling_unit_id or ""),
            "notify": rule.notify,
        }
        if rule is not None
        else {"notify": [Target.VILLAGE_HEAD, Target.CAMAT, Target.HANDLING_HEAD]}
    )
    chain = rule.escalation if rule is not None else AGENCY_ESCALATION
    for number, step in enumerate(chain[:ESCALATION_STEPS], start=1):
        initial[f"step_{number}_target"] = step["target"]
        initial[f"step_{number}_days"] = step.get("working_days")
        initial[f"step_{number}_minutes"] = step.get("working_minutes")
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        actor = acting_user(request).pk
        try:
            if request.POST.get("aksi") == "delete" and order is not None:
                saved = rule_set_edit_rule(acting_user=actor, order=order, changes=None)
            elif form.is_valid():
                saved = (
                    rule_set_edit_rule(acting_user=actor, order=order, changes=form.as_rule())
                    if order is not None
                    else rule_set_add_rule(acting_user=actor, rule=form.as_rule())
                )
            else:
                saved = None
        except RoutingInvalid as error:
            field = error.field.rsplit(".", 1)[-1]
            refusal_into(
                form,
                {"handling_unit_id": "handling_unit", "area_unit_id": "area_unit", "escalation": "step_1_target"}.get(
                    field, field
                ),
                error.message,
            )
        else:
            if saved is not None:
                messages.success(request, _("Saved as version %(version)s.") % {"version": saved.version})
                return HttpResponseRedirect(ROUTING_PATH)
    return page(request, government, "rule.html", {"form": form, "rule": rule, "active": active}, section="routing")


# The page's words for a move (the form's `arah`) -> the service's.
MOVES = {"naik": "up", "turun": "down"}


@require_POST
@console_page(Action.RULES_EDIT)
def rule_move(request: HttpRequest, government: Government, order: int) -> HttpResponse:
    """Move the rule at `order` one place up or down, saved as a new version."""
    direction = MOVES.get(request.POST.get("arah", ""))
    if direction is None:
        messages.error(request, _("Choose whether to move the rule up or down."))
        return HttpResponseRedirect(f"{ROUTING_PATH}#aturan")
    try:
        saved = rule_set_move_rule(acting_user=acting_user(request).pk, order=order, direction=direction)
    except RoutingInvalid as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved as version %(version)s.") % {"version": saved.version})
    return HttpResponseRedirect(f"{ROUTING_PATH}{_query_of(request)}#aturan")


@require_http_methods(["GET"])
@console_page(Action.RULES_EDIT)
def version_page(request: HttpRequest, government: Government, version: int) -> HttpResponse:
    rule_set = rule_set_get(version=version)
    if rule_set is None:
        raise Http404(_("There is no such version of the rules."))
    change = rule_set_change(version=version)
    rules = rules_of(rule_set=rule_set)
    codes = {code for rule in rules for code in rule.category_codes}
    if change is not None:
        for rule in [*change["diff"]["added"], *change["diff"]["removed"]]:
            codes.update(rule["category_codes"])
        for changed in change["diff"]["changed"]:
            if (values := changed["fields"].get("category_codes")) is not None:
                codes.update(values["before"], values["after"])
    # Every category the page shows, by its name, in one query.
    categories = category_names(codes=codes)
    if change is not None:
        names = {str(unit.pk): unit.name for unit in units_for_choice(include_ended=True)}
        for rule in [*change["diff"]["added"], *change["diff"]["removed"]]:
            rule["handling_unit_id"] = names.get(str(rule["handling_unit_id"]), rule["handling_unit_id"])
        for changed in change["diff"]["changed"]:
            for values in changed["fields"].get("handling_unit_id", {}) and [changed["fields"]["handling_unit_id"]]:
                values["before"] = names.get(str(values["before"]), values["before"])
                values["after"] = names.get(str(values["after"]), values["after"])
            if (values := changed["fields"].get("category_codes")) is not None:
                values["before"] = ", ".join(categories.get(code, code) for code in values["before"])
                values["after"] = ", ".join(categories.get(code, code) for code in values["after"])
    return page(
        request,
        government,
        "version.html",
        {"rule_set": rule_set, "rules": rules, "change": change, "category_names": categories},
        section="routing",
    )


@require_POST
@console_page(Action.RULES_EDIT)
def version_restore(request: HttpRequest, government: Government, version: int) -> HttpResponse:
    try:
        saved = rule_set_restore(acting_user=acting_user(request).pk, version=version)
    except RoutingInvalid as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(f"{ROUTING_PATH}versi/{version}/")
    messages.success(
        request, _("Version %(old)s restored as version %(new)s.") % {"old": version, "new": saved.version}
    )
    return HttpResponseRedirect(ROUTING_PATH + _query_of(request))
