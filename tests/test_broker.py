"""The development broker writes each message whole before a consumer can see it."""

from __future__ import annotations

from pathlib import Path

from kombu import Connection

from config.broker import PARTIAL_SUFFIX, Transport


def _folders(root: Path) -> Path:
    for name in ("queue", "control"):
        (root / name).mkdir(exist_ok=True)
    return root


def _connection(folder: Path) -> Connection:
    return Connection(
        "filesystem://",
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
        },
    )


def test_filesystem_urls_use_the_atomic_transport(tmp_path: Path) -> None:
    import config.celery  # noqa: F401  (registers the transport)

    with _connection(_folders(tmp_path)) as connection:
        assert isinstance(connection.transport, Transport)


def test_a_message_appears_only_whole_and_leaves_no_partial_file(tmp_path: Path) -> None:
    import config.celery  # noqa: F401

    body = {"text": "x" * 200_000}
    with _connection(_folders(tmp_path)) as connection:
        queue = connection.SimpleQueue("atomic-test")
        queue.put(body)
        names = [path.name for path in (tmp_path / "queue").iterdir()]
        assert len(names) == 1
        assert names[0].endswith(".atomic-test.msg")
        assert not any(name.endswith(PARTIAL_SUFFIX) for name in names)
        assert queue.get(timeout=1).payload == body
        queue.close()


def test_a_partial_file_is_never_taken_by_a_consumer(tmp_path: Path) -> None:
    import config.celery  # noqa: F401

    # What a sender leaves while it is still writing: the consumer must not pick it up.
    partial = _folders(tmp_path) / "queue" / f"1_abc.atomic-test.msg{PARTIAL_SUFFIX}"
    partial.write_bytes(b'{"trunc')
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue("atomic-test")
        try:
            queue.get(timeout=0.2)
        except queue.Empty:
            pass
        else:
            raise AssertionError("a partial message was delivered")
        queue.close()
    assert partial.exists()
