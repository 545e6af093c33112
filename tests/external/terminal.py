"""A command run on a real pseudo-terminal, driven like a user at the keyboard."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from pathlib import Path

# CSI and OSC sequences, and the single-character escapes prompt_toolkit writes.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>78]|\r")
UP, DOWN, ENTER, CLEAR_LINE = "\x1b[A", "\x1b[B", "\r", "\x15"


class Terminal:
    """ARGS running with a pseudo-terminal as stdin, stdout and stderr."""

    def __init__(self, args: list[str], *, cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, start_new_session=True,
            env={**env, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1"},
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.output = b""  # everything shown so far, escapes removed
        self.seen = 0  # the part of OUTPUT expect has matched past

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.output += _ESCAPES.sub(b"", chunk)
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30) -> None:
        """Wait until TEXT is shown (after what was matched before)."""
        deadline = time.monotonic() + timeout
        needle = text.encode()
        while (found := self.output.find(needle, self.seen)) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(left) and self.process.poll() is not None):
                raise AssertionError(f"{text!r} not shown; the screen so far:\n{self.text}")
        self.seen = found + len(needle)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 60) -> int:
        """The exit status, once the command ended (its remaining output read)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        while self._read(0.05):
            pass
        os.close(self.master)
        return self.process.wait(timeout=1)

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")
