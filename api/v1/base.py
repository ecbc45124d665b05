from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.response import Response
from rest_framework.views import APIView

from api.v1.errors import exception_handler


class ApiView(APIView):
    """Base of every v1 view: one error body for every refusal."""

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        return exception_handler
