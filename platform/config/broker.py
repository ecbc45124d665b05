"""The development broker: kombu's filesystem transport, with each message written atomically.

kombu writes a message file in place, so a consumer listing the folder can move and read it
before the sender has finished writing: the worker dies on a JSONDecodeError and the message is
lost (kombu issue #1551, seen here under load in the delivery benchmark). Writing under a
name the consumer ignores and renaming it into place (atomic within one folder) means a
consumer only ever sees whole messages. Registered as the `filesystem` transport by
config.celery, so `filesystem://` URLs use it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# The consumer takes only names ending in `.<queue>.msg`; this suffix keeps a file out of
# its sight until it is complete.
PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    # kombu's own filesystem channel already differs from its base's signature here.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        """Put `payload` onto `queue`: written in full under a hidden name, then renamed."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
