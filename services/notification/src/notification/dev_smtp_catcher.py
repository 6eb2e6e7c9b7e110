"""A local SMTP catcher for ``make run``: every message is saved as ``<dir>/<n>-<recipient>.eml`` and one line
(recipients, subject, file) is printed. Run: ``python -m notification.dev_smtp_catcher [--port 1025] [--dir DIR]``."""

from __future__ import annotations

import argparse
import email
import email.policy
import itertools
import re
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class SavingHandler:
    """aiosmtpd handler: keep each message as a file, say so on stdout."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(len(list(directory.glob("*.eml"))) + 1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        recipients = ", ".join(envelope.rcpt_tos)
        with self._lock:
            number = next(self._numbers)
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown")[:100]
        path = self.directory / f"{number:05d}-{safe}.eml"
        path.write_bytes(envelope.content)
        print(f"mail to {recipients}: {message['Subject']} -> {path}", flush=True)
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMTP catcher that saves every message.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail", help="where the .eml files go")
    args = parser.parse_args()
    controller = Controller(SavingHandler(Path(args.dir)), hostname=args.host, port=args.port)
    controller.start()
    print(f"SMTP catcher on {args.host}:{args.port}, saving to {args.dir}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
