"""The PDF check (``pdf_check.check_pdf``) in a process of its own: a stranger's file is parsed outside the web
process, under a hard time limit and a memory limit, and without holding the web process's interpreter lock.

Why (issue 22; docs/RELIABILITY.md, "Uploads"):

- **A hard limit.** In a thread, the check's 8-second budget is only looked at between objects: Python cannot
  pre-empt a thread, so one slow object held a worker past it. Here the caller waits at most the budget plus
  ``GRACE_SECONDS``; then the checker is killed and the file refused as too complex (``TOO_COMPLEX``).
- **A memory limit.** The checker runs under ``RLIMIT_AS`` (``MEMORY_LIMIT_BYTES``): a file that would make
  pypdf take more is refused, and the web process's memory is never at stake.
- **Beside the act, really.** pypdf is pure Python. In a thread of the web process its work (about 0.8 ms of CPU
  for a one-page PDF) ran under the same interpreter lock as the act's own, so the act waited for it; in its
  own process it runs on another core while the act reads its plan and writes its rows.

Each process that checks PDFs (each gunicorn worker, each RQ worker) starts its checkers when it first needs one
(``python -m workflow_app.infra.files.pdf_process``, about 0.2 s); several checks at once use several checkers,
which stay while they are used and are stopped after ``IDLE_SECONDS`` idle, down to ``IDLE_CHECKERS``. A checker
serves one file at a time over its standard input and output: a header (the file's length, the time budget, the
decoding budget), the bytes; then the verdict as JSON. It ends when its input closes, so a process that dies takes
its checkers with it.

If no checker can be started (``OSError``), the check runs in the web process as before, and the log says so.
"""
from __future__ import annotations

import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from workflow_app.infra.files.pdf_check import (
    DAMAGED,
    MAX_DECODED_BYTES,
    TIME_BUDGET_SECONDS,
    TOO_COMPLEX,
    PdfFacts,
    UnsafePdf,
    check_pdf,
)

#: Past the check's own budget, the time a checker has to answer before it is killed.
GRACE_SECONDS = 2.0
#: The checker's address space (RLIMIT_AS): an upload is at most 20 MB, pypdf's own limits cap what it decodes.
MEMORY_LIMIT_BYTES = 2 * 1024 ** 3
#: Idle checkers a web process keeps however long they wait (each about 36 MB resident, 18 MB its own); more are
#: started while more checks run at once, and kept while they are used: one idle for ``IDLE_SECONDS`` is stopped,
#: so a burst of uploads does not start and stop a checker per file. ``MAX_IDLE_CHECKERS`` bounds them.
IDLE_CHECKERS = 2
IDLE_SECONDS = 60.0
MAX_IDLE_CHECKERS = 16
_HEADER = struct.Struct("!QdQ")  # the file's length, the time budget (seconds), the decoding budget (bytes)
_ANSWER = struct.Struct("!I")  # the verdict's length
_ROOT = str(Path(__file__).resolve().parents[3])  # the folder that holds the ``workflow_app`` package

log = logging.getLogger(__name__)


class _Checker:
    """One checker process and its two pipes."""

    def __init__(self):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (_ROOT, os.environ.get("PYTHONPATH"))))}
        self.proc = subprocess.Popen([sys.executable, "-m", "workflow_app.infra.files.pdf_process"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)

    def send(self, data: bytes, seconds: float, max_decoded: int) -> None:
        self.proc.stdin.write(_HEADER.pack(len(data), seconds, max_decoded))
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict:
        """The verdict; ``TimeoutError`` after ``timeout`` seconds, ``EOFError`` if the checker died."""
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        chunks, wanted, header = [], _ANSWER.size, True
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, wanted)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            wanted -= len(chunk)
            if wanted == 0:
                body = b"".join(chunks)
                if not header:
                    return json.loads(body)
                chunks, wanted, header = [], _ANSWER.unpack(body)[0], False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class _Checkers:
    """A web process's checkers (made again after a fork: a child process never uses its parent's)."""

    def __init__(self):
        self.pid = os.getpid()
        self.idle: list[tuple[float, _Checker]] = []  # (idle since, checker), the most recently used last
        self.lock = threading.Lock()

    def take(self) -> _Checker:
        with self.lock:
            while self.idle:
                _since, checker = self.idle.pop()
                if checker.alive():
                    return checker
                checker.stop()
        return _Checker()

    def give_back(self, checker: _Checker) -> None:
        now = time.monotonic()
        with self.lock:
            self.idle.append((now, checker))
            stale = []
            while len(self.idle) > IDLE_CHECKERS and (len(self.idle) > MAX_IDLE_CHECKERS
                                                       or now - self.idle[0][0] > IDLE_SECONDS):
                stale.append(self.idle.pop(0)[1])  # the longest idle first
        for old in stale:
            old.stop()

    def pids(self) -> list[int]:
        with self.lock:
            return [c.proc.pid for _since, c in self.idle if c.alive()]


_CHECKERS: _Checkers | None = None
_CHECKERS_LOCK = threading.Lock()


def _checkers() -> _Checkers:
    global _CHECKERS
    with _CHECKERS_LOCK:
        if _CHECKERS is None or _CHECKERS.pid != os.getpid():
            _CHECKERS = _Checkers()
        return _CHECKERS


def checker_pids() -> list[int]:
    """The idle checkers of this process (bench.peers reads their CPU time)."""
    return _checkers().pids()


class PendingCheck:
    """A check under way in a checker; ``result`` waits for its verdict."""

    def __init__(self, data: bytes, seconds: float = TIME_BUDGET_SECONDS, max_decoded: int = MAX_DECODED_BYTES):
        self.data, self.seconds, self.max_decoded = data, seconds, max_decoded
        self.checker: _Checker | None = None
        self._start()

    def _start(self) -> None:
        for take in (_checkers().take, _Checker):  # an idle one (or a new one), else one surely new
            checker = None
            try:
                checker = take()
                checker.send(self.data, self.seconds, self.max_decoded)
            except OSError as exc:  # could not start, or ended before reading
                if checker is not None:
                    checker.stop()
                problem = exc
                continue
            self.checker = checker
            return
        self.checker = None
        log.warning("PDF checker unavailable (%s): the PDF is checked in the web process", problem)

    def abandon(self) -> None:
        """The verdict is no longer wanted (the file's write failed): the checker is stopped, not waited for."""
        if self.checker is not None:
            self.checker.stop()
            self.checker = None

    def result(self) -> PdfFacts:
        """The file's facts, or ``UnsafePdf`` with its Spanish reason."""
        for attempt in (1, 2):
            if self.checker is None:
                return check_pdf(self.data, max_decoded=self.max_decoded, seconds=self.seconds)
            checker, self.checker = self.checker, None
            try:
                verdict = checker.receive(self.seconds + GRACE_SECONDS)
            except TimeoutError:
                checker.stop()  # the hard limit a thread could not have
                log.info("PDF refused: its check took longer than %.1f s", self.seconds + GRACE_SECONDS)
                raise UnsafePdf(TOO_COMPLEX) from None
            except (EOFError, OSError):
                checker.stop()
                if attempt == 2:  # it died twice on this file: the file kills the parser
                    log.warning("PDF refused: the checker ended twice while reading it")
                    raise UnsafePdf(DAMAGED) from None
                log.warning("PDF checker ended unexpectedly; the file is checked again by a new one")
                self._start()
                continue
            _checkers().give_back(checker)
            if "refused" in verdict:
                raise UnsafePdf(verdict["refused"])
            return PdfFacts(pages=verdict["pages"], objects=verdict["objects"], decoded_bytes=verdict["decoded"])
        raise AssertionError("unreachable")


def check_pdf_apart(data: bytes, *, max_decoded: int = MAX_DECODED_BYTES,
                    seconds: float = TIME_BUDGET_SECONDS) -> PdfFacts:
    """``check_pdf`` in a checker process: the same facts, the same refusals."""
    return PendingCheck(data, seconds, max_decoded).result()


def _read_exact(stream, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _serve() -> None:
    """The checker's loop: a file in, its verdict out, until the input closes."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = _read_exact(inp, _HEADER.size)
        if header is None:
            return
        length, seconds, max_decoded = _HEADER.unpack(header)
        data = _read_exact(inp, length)
        if data is None:
            return
        try:
            facts = check_pdf(data, max_decoded=max_decoded, seconds=seconds)
            verdict = {"pages": facts.pages, "objects": facts.objects, "decoded": facts.decoded_bytes}
        except UnsafePdf as exc:
            verdict = {"refused": str(exc)}
        except MemoryError:
            verdict = {"refused": TOO_COMPLEX}
        body = json.dumps(verdict).encode()
        out.write(_ANSWER.pack(len(body)) + body)
        out.flush()


if __name__ == "__main__":
    _serve()
