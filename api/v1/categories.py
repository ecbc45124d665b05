"""The national categories a report can be filed under, with the questions each one asks.

Open to everyone on every host: the taxonomy is public reference data. Names, questions and
choices come in one language (`language`: `id`, Bahasa Indonesia, by default, or `en`); a
client sends the answers keyed by question `code`, list answers by choice `key`, in the
`answers` object of a report submission (docs/decisions/0060).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.v1 import openapi
from api.v1.base import ApiView
from api.v1.bounds import BoundedSerializer
from tenants.host_kinds import EVERY
from warga.taxonomy.models import Datatype
from warga.taxonomy.questions import Question, questions_by_category
from warga.taxonomy.selectors import categories_active


class CategoryListInput(BoundedSerializer):
    language = serializers.ChoiceField(
        choices=["id", "en"],
        default="id",
        error_messages={"invalid_choice": "Bahasa harus id (Bahasa Indonesia) atau en (English)."},
    )


class QuestionValueOutput(BoundedSerializer):
    key = serializers.CharField(help_text="What to send as the answer.")
    name = serializers.CharField()


class QuestionOutput(BoundedSerializer):
    code = serializers.CharField(help_text="The key of this answer in `answers`.")
    datatype = serializers.ChoiceField(choices=Datatype.values, help_text="Open311 GeoReport v2 datatypes.")
    required = serializers.BooleanField()  # type: ignore[assignment]  # a declared field (the metaclass pops it)
    order = serializers.IntegerField()
    description = serializers.CharField(help_text="The question, in the requested language.")
    values = QuestionValueOutput(many=True, help_text="The choices of a list question; empty otherwise.")


class CategoryOutput(BoundedSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    handling = serializers.CharField(help_text="complaint, external_forward or emergency_referral.")
    accepts_reports = serializers.BooleanField(help_text="False for emergencies: call 112 instead.")
    referral = serializers.CharField(help_text="What the citizen is told instead (emergencies, forwarded).")
    questions = QuestionOutput(many=True)


def _question(question: Question, language: str) -> dict[str, Any]:
    return {
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "order": question.order,
        "description": question.description(language),
        "values": [{"key": value.key, "name": value.name(language)} for value in question.values],
    }


class CategoryListView(ApiView):
    host_kinds = EVERY
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[CategoryListInput],
        responses={200: CategoryOutput(many=True)},
        summary="List the report categories with the questions each one asks (any host)",
        description=openapi.describe(
            "The national category taxonomy in the order it is offered to citizens, in `language` (`id` or "
            "`en`). A report of a category with questions sends their answers in `answers` (keyed by question "
            "`code`); a required question left unanswered, or an answer of the wrong kind, is refused with a "
            "message per question.",
            who=openapi.ANYONE,
            host=openapi.ANY_HOST,
        ),
    )
    def get(self, request: Request) -> Response:
        given = CategoryListInput(data=request.query_params)
        given.is_valid(raise_exception=True)
        language = given.validated_data["language"]
        categories = list(categories_active())
        questions = questions_by_category([category.code for category in categories])
        return Response(
            [
                CategoryOutput(
                    {
                        "code": category.code,
                        "name": category.name_en if language == "en" else category.name_id,
                        "handling": category.handling,
                        "accepts_reports": category.accepts_reports,
                        "referral": category.referral_id,
                        "questions": [_question(q, language) for q in questions.get(category.code, [])],
                    }
                ).data
                for category in categories
            ]
        )
