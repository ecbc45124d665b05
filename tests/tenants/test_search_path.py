"""The backend sends `SET search_path` only when the server is not already there, as
`SET LOCAL` inside a transaction, and never believes a path the server has dropped
(tenants/postgresql_backend, decision 0185).

These tests drive a connection of their own, outside the test's transaction, so that commits,
rollbacks and savepoints are real; they only read, so nothing is left behind. What the server
really uses is asked on the raw psycopg connection, past the wrapper under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connections
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATHS = {"public": ["public"], "gov_32_73": ["gov_32_73", "public"], "gov_31": ["gov_31", "public"]}


@pytest.fixture
def probe(committed_db: None) -> Iterator[Any]:
    wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def server_path(wrapper: Any) -> list[str]:
    """The search path the server uses now, read without going through the wrapper's cursor."""
    row = wrapper.connection.execute("SELECT current_schemas(false)").fetchone()
    return list(row[0])


def run(wrapper: Any, sql: str = "SELECT current_schema()") -> list[str]:
    """One statement through the wrapper; the statements it sent, the SET included."""
    with CaptureQueriesContext(wrapper) as captured, wrapper.cursor() as cursor:
        cursor.execute(sql)
    return [query["sql"] for query in captured.captured_queries]


def test_choosing_the_schema_the_server_is_on_sends_nothing(probe: Any) -> None:
    probe.set_schema("gov_32_73")
    assert run(probe)[0] == 'SET search_path = "gov_32_73","public"'
    # The middleware chooses public, then the host's government, on every request.
    probe.set_schema_to_public()
    probe.set_schema("gov_32_73")
    assert run(probe) == ["SELECT current_schema()"]
    assert server_path(probe) == PATHS["gov_32_73"]


def test_a_switch_inside_a_transaction_ends_with_its_commit(probe: Any) -> None:
    probe.set_schema_to_public()
    run(probe)
    probe.set_autocommit(False)
    probe.set_schema("gov_32_73")
    assert run(probe)[0] == 'SET LOCAL search_path = "gov_32_73","public"'
    assert server_path(probe) == PATHS["gov_32_73"]
    probe.commit()
    probe.set_autocommit(True)
    assert server_path(probe) == PATHS["public"]
    # The next request, on public, finds the connection there and sends no SET.
    probe.set_schema_to_public()
    assert run(probe) == ["SELECT current_schema()"]


def test_a_rollback_forgets_the_path(probe: Any) -> None:
    probe.set_schema("gov_31")
    run(probe)
    probe.set_autocommit(False)
    probe.set_schema("gov_32_73")
    run(probe)
    probe.rollback()
    probe.set_autocommit(True)
    assert probe.server_search_path is None
    probe.set_schema("gov_31")
    assert run(probe)[0] == 'SET search_path = "gov_31","public"'
    assert server_path(probe) == PATHS["gov_31"]


def test_a_savepoint_rolled_back_takes_its_switch_with_it(probe: Any) -> None:
    probe.set_autocommit(False)
    probe.set_schema("gov_31")
    run(probe)
    savepoint = probe.savepoint()
    probe.set_schema("gov_32_73")
    run(probe)
    probe.savepoint_rollback(savepoint)
    assert server_path(probe) == PATHS["gov_31"]
    # The wrapper does not believe it is still on Bandung: choosing Bandung again sends the SET.
    assert run(probe)[0] == 'SET LOCAL search_path = "gov_32_73","public"'
    assert server_path(probe) == PATHS["gov_32_73"]
    probe.rollback()
    probe.set_autocommit(True)


def test_a_failed_commit_forgets_the_path(probe: Any) -> None:
    probe.set_schema_to_public()
    run(probe)
    probe.set_autocommit(False)
    probe.set_schema("gov_32_73")
    run(probe, "CREATE TEMPORARY TABLE twice (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP")
    run(probe, "INSERT INTO twice VALUES (1), (1)")
    with pytest.raises(IntegrityError):
        probe.commit()
    probe.set_autocommit(True)
    assert probe.server_search_path is None
    assert run(probe)[0] == 'SET search_path = "gov_32_73","public"'


def test_a_new_connection_starts_unknown(probe: Any) -> None:
    probe.set_schema("gov_31")
    run(probe)
    probe.close()
    probe.set_schema("gov_31")
    assert run(probe)[0] == 'SET search_path = "gov_31","public"'


def test_a_named_cursor_runs_in_the_chosen_schema_in_and_out_of_a_transaction(probe: Any) -> None:
    """`.iterator()` reads through a named (server-side) cursor, which runs one statement: the
    switch goes through a cursor of its own, first."""

    def named_current_schema() -> str:
        cursor = probe.chunked_cursor()
        try:
            cursor.execute("SELECT current_schema()")
            return str(cursor.fetchone()[0])
        finally:
            cursor.close()

    probe.set_schema("gov_32_73")
    assert named_current_schema() == "gov_32_73"
    probe.set_autocommit(False)
    probe.set_schema("gov_31")
    assert named_current_schema() == "gov_31"
    probe.commit()
    probe.set_autocommit(True)
    assert server_path(probe) == PATHS["gov_32_73"]
    assert named_current_schema() == "gov_31"


OPERATIONS = st.lists(
    st.sampled_from(
        ["public", "gov_32_73", "gov_31", "query", "begin", "commit", "rollback", "savepoint", "release", "undo"]
    ),
    min_size=20,
    max_size=60,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_every_statement_runs_in_the_chosen_schema(probe: Any, operations: list[str]) -> None:
    """Any sequence of schema choices, statements, commits, rollbacks and savepoints: each
    statement runs on the chosen schema's path, and whatever the wrapper believes about the
    server is true."""
    probe.close()
    chosen = "public"
    probe.set_schema_to_public()
    savepoints: list[str] = []
    try:
        for operation in operations:
            in_transaction = not probe.get_autocommit()
            if operation in PATHS:
                chosen = operation
                probe.set_schema(operation) if operation != "public" else probe.set_schema_to_public()
            elif operation == "query":
                with probe.cursor() as cursor:
                    cursor.execute("SELECT current_schemas(false)")
                    assert list(cursor.fetchone()[0]) == PATHS[chosen], operations
            elif operation == "begin" and not in_transaction:
                probe.set_autocommit(False)
            elif operation in ("commit", "rollback") and in_transaction:
                probe.commit() if operation == "commit" else probe.rollback()
                probe.set_autocommit(True)
                savepoints.clear()
            elif operation == "savepoint" and in_transaction:
                savepoints.append(probe.savepoint())
            elif operation == "release" and savepoints:
                probe.savepoint_commit(savepoints.pop())
            elif operation == "undo" and savepoints:
                probe.savepoint_rollback(savepoints.pop())
            if probe.server_search_path is not None:
                assert server_path(probe) == probe.server_search_path, operations
    finally:
        if not probe.get_autocommit():
            probe.rollback()
            probe.set_autocommit(True)
