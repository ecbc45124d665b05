"""Words of a report's description, for the inbox's search box: PostgreSQL full-text search with
the `simple` configuration (lower case, no stemming, no stop words), so that the planner knows
from the index's statistics how common each word is (docs/decisions/0077)."""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, TextField, Value

# The expression the `report_description_words` index is built on; a filter must spell it the
# same way for PostgreSQL to use the index. Everything but letters and digits becomes a space
# first, so that "Jl.Sudirman" holds the words "jl" and "sudirman" and "12.5" the words "12"
# and "5", as the search box cuts what is typed (PostgreSQL's parser alone keeps such tokens
# whole, and "sudirman" would not find them).
DESCRIPTION_WORDS = SearchVector(
    Func(
        F("description"),
        Value("[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    ),
    config="simple",
)

_WORD = re.compile(r"[^\W_]+")


def description_words_query(text: str) -> SearchQuery | None:
    """Every word of `text` (a run of letters or digits), each matching a word of the description
    that begins with it, any case ("lamp jal" finds "Lampu jalan"); None when `text` holds no
    word. Only letters and digits reach `to_tsquery`, so nothing typed can change the query's
    operators."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), config="simple", search_type="raw")
