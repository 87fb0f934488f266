"""Issue 22 (and issue 12's "no request that can keep a worker busy for long"): the PDF check runs in a checker
process of its own (``infra/files/pdf_process.py``). It gives the same verdicts as the check in the web process,
it is stopped for real when it takes too long (a thread could only look at its budget between objects), it
runs under a memory limit, a checker that died is replaced, and without a checker the check still runs."""
from __future__ import annotations

import logging
import os
import signal
import time

import pytest

from tests import pdf_samples
from tests.workflow_app.test_hostile_pdfs import HOSTILE
from workflow_app.infra.files import pdf_process
from workflow_app.infra.files.pdf_check import DAMAGED, TOO_COMPLEX, UnsafePdf, check_pdf
from workflow_app.infra.files.pdf_process import PendingCheck, check_pdf_apart, checker_pids

# One string object of 500,000 octal escapes (2 MB): pypdf reads it character by character, about 1.7 s here,
# all of it inside one object, where the check's own budget is never looked at.
SLOW_OBJECT = pdf_samples.one_page(more=[b"(" + b"\\101" * 500_000 + b")"])


@pytest.mark.parametrize(("sample", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_checker_refuses_what_the_check_refuses_with_the_same_reason(sample, reason):
    data = getattr(pdf_samples, sample)
    with pytest.raises(UnsafePdf) as here:
        check_pdf(data)
    with pytest.raises(UnsafePdf, match=reason) as apart:
        check_pdf_apart(data)
    assert str(apart.value) == str(here.value)


def test_the_checker_accepts_what_the_check_accepts_with_the_same_facts():
    for data in (pdf_samples.VALID, pdf_samples.HTTPS_AND_MAILTO_LINKS,
                 pdf_samples.one_page(more=[pdf_samples.stream(b"x" * 5000, compress=True)])):
        assert check_pdf_apart(data) == check_pdf(data)
    with pytest.raises(UnsafePdf, match="no es un PDF válido"):
        check_pdf_apart(pdf_samples.POLYGLOT_HTML)


def test_a_check_that_runs_past_its_time_is_stopped_and_the_next_one_works(monkeypatch):
    monkeypatch.setattr(pdf_process, "GRACE_SECONDS", 0.2)
    check_pdf_apart(pdf_samples.VALID)  # a checker ready, so that its start is not what is timed
    started = time.monotonic()
    check = PendingCheck(SLOW_OBJECT, seconds=0.1)
    pid = check.checker.proc.pid
    with pytest.raises(UnsafePdf) as refused:
        check.result()
    waited = time.monotonic() - started
    assert str(refused.value) == TOO_COMPLEX
    assert waited < 1.0, f"waited {waited:.2f} s: the budget (0.1 s) plus the grace (0.2 s) is the limit"
    assert not _running(pid), "the checker that ran too long must be stopped, not left working"
    assert pid not in checker_pids()
    assert check_pdf_apart(pdf_samples.VALID).pages == 1  # a new checker answers the next file


def test_the_slow_object_is_accepted_when_its_time_allows_it():
    """The file above is refused for its time alone: given the full budget the same checker accepts it."""
    assert check_pdf_apart(SLOW_OBJECT).pages == 1


def test_the_checker_runs_under_a_memory_limit():
    check_pdf_apart(pdf_samples.VALID)
    pids = checker_pids()
    assert pids
    with open(f"/proc/{pids[0]}/limits") as limits:
        line = next(row for row in limits if row.startswith("Max address space"))
    assert line.split()[3] == str(pdf_process.MEMORY_LIMIT_BYTES)


def test_a_checker_that_died_while_idle_is_replaced(caplog):
    check_pdf_apart(pdf_samples.VALID)
    for pid in checker_pids():
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
    assert check_pdf_apart(pdf_samples.VALID).pages == 1
    with pytest.raises(UnsafePdf, match="JavaScript"):
        check_pdf_apart(pdf_samples.WITH_JAVASCRIPT)


def test_a_checker_that_dies_on_a_file_twice_refuses_it_as_damaged(monkeypatch, caplog):
    """A file that makes the parser end its process (a crash, the memory limit) is refused, never accepted; a
    checker that ended once is given a second chance with a new one."""
    killed = []
    real_send, real_receive = pdf_process._Checker.send, pdf_process._Checker.receive

    def held(self, *args):  # stopped before it can read the file, so it cannot answer before it dies
        os.kill(self.proc.pid, signal.SIGSTOP)
        return real_send(self, *args)

    def dies(self, timeout):
        killed.append(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGKILL)
        return real_receive(self, timeout)

    monkeypatch.setattr(pdf_process._Checker, "send", held)
    monkeypatch.setattr(pdf_process._Checker, "receive", dies)
    with caplog.at_level(logging.WARNING, logger=pdf_process.__name__), pytest.raises(UnsafePdf) as refused:
        check_pdf_apart(pdf_samples.VALID)
    assert str(refused.value) == DAMAGED
    assert len(killed) == 2 and killed[0] != killed[1]
    assert "ended twice" in caplog.text


def test_without_a_checker_the_check_runs_here_and_says_so(monkeypatch, caplog):
    monkeypatch.setattr(pdf_process, "_CHECKERS", None)  # no idle checker to reuse
    monkeypatch.setattr(pdf_process.sys, "executable", "/nonexistent/python")
    with caplog.at_level(logging.WARNING, logger=pdf_process.__name__):
        assert check_pdf_apart(pdf_samples.VALID).pages == 1
        with pytest.raises(UnsafePdf, match="JavaScript"):
            check_pdf_apart(pdf_samples.WITH_JAVASCRIPT)
    assert "checked in the web process" in caplog.text


def test_a_burst_reuses_its_checkers_and_a_quiet_process_keeps_few(monkeypatch):
    """Checks at the same time each have a checker; the next burst finds them idle instead of starting (and then
    stopping) one per file; once idle past IDLE_SECONDS they go, down to IDLE_CHECKERS, never above the cap."""
    monkeypatch.setattr(pdf_process, "_CHECKERS", None)  # this process's checkers, from none
    width = pdf_process.IDLE_CHECKERS + 2

    def burst() -> list[int]:
        checks = [PendingCheck(pdf_samples.VALID) for _ in range(width)]
        pids = [c.checker.proc.pid for c in checks]
        assert len(set(pids)) == width, "checks at the same time each have their own checker"
        assert all(c.result().pages == 1 for c in checks)
        return pids

    first = burst()
    assert sorted(checker_pids()) == sorted(first)  # kept while used
    assert sorted(burst()) == sorted(first)  # the second burst starts no process
    monkeypatch.setattr(pdf_process, "IDLE_SECONDS", 0.0)
    check_pdf_apart(pdf_samples.VALID)  # giving one back stops those idle past the time
    kept = checker_pids()
    assert len(kept) == pdf_process.IDLE_CHECKERS
    for pid in set(first) - set(kept):
        _wait_gone(pid)
    monkeypatch.setattr(pdf_process, "IDLE_SECONDS", 3600.0)
    monkeypatch.setattr(pdf_process, "MAX_IDLE_CHECKERS", width - 1)
    burst()
    assert len(checker_pids()) == width - 1  # the cap holds however recent


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] not in "ZX"
    except FileNotFoundError:
        return False


def _wait_gone(pid: int) -> None:
    for _ in range(100):
        if not _running(pid):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} still running")
