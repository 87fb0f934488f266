"""The outbox's folding of single-id jobs into batches (a unit of ``workflow_app.jobs``; the end-to-end proof
with real RQ workers and SMTP is in tests/notifications/test_faults.py)."""
from __future__ import annotations

from workflow_app.infra.jobs import fold
from workflow_app.services.outbox import DELIVER_BATCH_JOB, DELIVER_BATCH_SIZE, DELIVER_JOB


def test_many_deliveries_of_one_commit_become_batches_of_the_registered_size_in_order():
    ids = list(range(1, 2 * DELIVER_BATCH_SIZE + 8))
    folded = fold([(DELIVER_JOB, (i,)) for i in ids])
    assert [name for name, _ in folded] == [DELIVER_BATCH_JOB] * 3
    assert [len(args[0]) for _, args in folded] == [DELIVER_BATCH_SIZE, DELIVER_BATCH_SIZE, 7]
    assert [i for _, args in folded for i in args[0]] == ids


def test_a_lone_delivery_stays_a_single_job_and_other_jobs_pass_through_untouched():
    other = ("notifications.sweep.sweep_job", ())
    assert fold([other, (DELIVER_JOB, (7,))]) == [other, (DELIVER_JOB, (7,))]
    assert fold([]) == []
