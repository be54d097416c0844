"""An SMTP server for development and tests that keeps every mail it receives.

Each message is written as one ``.eml`` file into the mail folder, named so that a sorted
listing is the order of arrival. Tests read that folder; nothing is ever relayed.
"""
import argparse
import asyncio
import itertools
import os
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class KeepEveryMail:
    def __init__(self, maildir: Path):
        self.maildir = maildir
        self.counter = itertools.count()

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{os.getpid()}-{next(self.counter)}.eml"
        tmp = self.maildir / f".{name}"
        # Envelope recipients first (Bcc is not in the headers), then the message as received.
        header = "".join(f"X-Envelope-To: {rcpt}\r\n" for rcpt in envelope.rcpt_tos)
        tmp.write_bytes(header.encode() + envelope.original_content)
        tmp.rename(self.maildir / name)  # readers never see a half-written file
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=58025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    args.maildir.mkdir(parents=True, exist_ok=True)
    controller = Controller(KeepEveryMail(args.maildir), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
