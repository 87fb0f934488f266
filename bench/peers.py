"""Benchmark: the same legal route, persisted act by act, by four engines (nine contenders) on one PostgreSQL.

Run from the repository root, after ``pip install -e ".[dev,bench]"`` (the peers live in the optional ``bench``
extra, never in the production install)::

    .venv/bin/python -m bench.peers [--plans 200] [--rounds 5] [--evidence-store local|postgres]

N plans walk the acts of ``bench.transitions.ROUTE`` (act by act: the first act of every plan, then the
second, ...), in R interleaved rounds: in each round every contender walks a fresh set of plans, and the order
of the contenders turns by one each round. Printed per contender: median acts/s over the rounds, the min–max,
the median and p95 time of one act (over every act of every round), the ratio to this project's ``apply_act``,
the SQL statements per act (statements sent to the server, BEGIN and COMMIT not counted) and the CPU time per act
of the benchmark's own process over the acts (all its threads: steadier than wall time on a shared machine).
Every contender commits each act, checks a version on its UPDATE (a conflict is an error, never a retry) and
verifies at the end that every plan reached the final state; the exit code is 1 if any contender failed. Timings
are printed, never asserted. Each contender has its own database on the same server (``BENCH_PG_ADMIN_URL``, by default
postgresql://postgres@127.0.0.1:5432/postgres); every database made here is dropped at the end.

The contenders, per act:

1. **bare SQL** (psycopg, one connection): SELECT the plan's state and version, check the state is the act's
   source, UPDATE ``plans`` with ``WHERE version = ...`` (rowcount checked), INSERT a ``plan_events`` row,
   COMMIT: the statements of ``baseline()`` in bench/transitions.py, on the project's own tables (a copy of
   the database that ``apply_act`` uses, same plans).
2. **SpiffWorkflow 3** (BPMN): the route is a BPMN process generated here as a string, one ``userTask`` per act,
   one lane per role (ejecutivo, planeacion, ctp, corporacion, sistema), parsed once with ``BpmnParser``. A
   workflow is one row (the JSON of ``BpmnWorkflowSerializer.serialize_json``, spec included, as the serializer
   writes it by default; a ``text`` column). Per act: SELECT the row, ``deserialize_json``, find the one ready
   user task (``get_tasks(state=TaskState.READY, manual=True)``), check it is the act asked for and that its lane
   is the actor's role, put the act's date and reference in ``task.data`` (as a form would), ``task.run()``,
   ``do_engine_steps()``, ``serialize_json``, UPDATE the row with ``WHERE version = ...``, INSERT a history row,
   COMMIT.
   **Spiff + evidence**: the same, plus the evidence work ``apply_act`` does outside the database, by the
   project's own code (``documents.PendingEvidence``: the act's PDF checked in a checker process and written and
   fsync'ed in a thread from the act's start, waited for before the COMMIT; its checkers' CPU printed apart). It
   says how much of the gap to SpiffWorkflow the evidence makes; the issue's target is SpiffWorkflow alone.
3. **django-viewflow 2** (Django on PostgreSQL, configured here with ``settings.configure``; the app is
   ``bench/peers_viewflow``, label ``peers_viewflow``; migrated on a fresh database): a ``Flow`` with a
   ``StartHandle``, one ``View`` node per act guarded by ``.Permission(<role>_<entity>)`` (the permission tied to
   the plan's entity, granted to one user per role and entity), an ``End``, and ``lock_impl =
   select_for_update_lock``. The process is a proxy of viewflow's ``Process`` with ``jsonstore`` fields, as
   viewflow 2's docs do. View nodes are driven without HTTP, by the same calls that viewflow's views make on a
   POST (``flow/utils.py: wrap_view`` and the assign action): load the user (as the auth middleware does), then
   under ``Flow.lock(process_pk)`` + ``transaction.atomic()``: load the task, load its process, check
   ``activation.assign.has_perm(user)`` (the node's permission), ``activation.assign(user)``, check
   ``node.can_execute``, ``activation.start(request)``, update the process (state and version) with ``WHERE
   data->version = ...`` instead of ``form.save()`` (rowcount checked), put the act's date and reference in
   ``task.data``, ``activation.execute()`` (finishes the task, creates the next one or ends the process). The
   history is viewflow's own task table (one row per act, with its owner and times): no extra history row.
   In the web UI assigning and executing are two POSTs; here they share one transaction, to viewflow's benefit.
4. **apply_act** (this project): ``bench.transitions.walk``, the very loop of bench/transitions.py: a fresh
   session per act that loads the acting user, the evidence PDF checked (in a checker process of its own,
   ``infra/files/pdf_process``; its CPU is printed beside the act's) and written and fsync'ed, authorisation, legal
   calendar, guards, machine, hash-chained history, notices in the outbox, one commit. Its statements are counted
   with a SQLAlchemy ``before_cursor_execute`` listener; the pool's checkouts are counted apart (a connection that
   rested in the pool longer than ``DATABASE_PING_AFTER_IDLE_SECONDS`` is pinged first, ``infra/database/liveness``:
   none here, the acts follow each other).

5. **apply_act's SQL**: ``apply_act``'s own statements without its Python. Once, unmeasured, ``apply_act`` walks a
   copy of the database and every statement it sends is kept with its parameters (``record_act_statements``);
   in each round they are sent again, as they were, on a fresh copy through one psycopg connection, one
   transaction an act (BEGIN, the act's statements, COMMIT). It is what the database and the round trips cost
   an act: ``apply_act``'s time beyond it is its Python (and its evidence).
   **SQL + evidence**: the same, plus the evidence work of "Spiff + evidence" on the acts that carry a PDF. No
   implementation that sends these statements and does this evidence work, in any language, can run faster than
   this line: where it is slower than SpiffWorkflow, so is any ``apply_act`` with the same statements and evidence.
6. **SQL in 2 trips**: the same statements in the fewest round trips an act can have (psycopg's pipeline mode):
   its reads with the BEGIN in one, its writes with the COMMIT in another (``ActStatementsInTwoTrips``). An act
   must read its plan before the law can say what to write, so this is the least waiting any act could do.
   **2 trips + evidence**: the same with the evidence waited for between the two: the floor of any act that
   sends these statements and does this evidence work, however its round trips are arranged.

What the peers do not do and ``apply_act`` does: the evidence file (written and fsync'ed), the legal calendar and
guards, notices, hash-chained history; SpiffWorkflow does not load the user either. The figures therefore
compare engines plus persistence, not equal work; "Spiff + evidence" gives SpiffWorkflow the evidence's share.
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
import traceback
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable

# Run as a script, bench/ would come first on sys.path and its transitions.py would shadow pytransitions.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from psycopg.conninfo import conninfo_to_dict  # noqa: E402

from bench.transitions import ADMIN_URL, ROUTE, drop_database, make_database, setup, walk  # noqa: E402
from state_machines.approval.pdt import PDT_MACHINE  # noqa: E402

ROLES_WITH_SYSTEM = ("ejecutivo", "planeacion", "ctp", "corporacion", "sistema")
FINAL_STATE = "in_force"


@dataclass(frozen=True)
class Step:
    """One act of the route, with the legal states it leaves and reaches (from the project's machine table)."""

    who: str
    trigger: str
    act_on: date
    source: str
    dest: str
    legal_basis: str


def _steps() -> tuple[Step, ...]:
    state, steps = "elected", []
    for who, trigger, act_on, _today, _payload in ROUTE:
        row = PDT_MACHINE.row(state, trigger)
        dest = row.dest_from(state)
        if trigger == "publish" and dest == "published":
            dest = FINAL_STATE  # published "a partir de su publicación": in force in the same act (issue 18)
        steps.append(Step(who, trigger, act_on, state, dest, row.legal_basis))
        state = dest
    assert state == FINAL_STATE, state
    return tuple(steps)


STEPS = _steps()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def clone_database(template: str) -> tuple[str, str]:
    """A fresh copy of ``template`` (no one may be connected to it), named and addressed as ``make_database``'s."""
    name = f"pdt_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    return name, url


def walk_route(plans: list, act: Callable[[object, Step], None]) -> tuple[float, list[float], float]:
    """The order of bench.transitions.walk: each act of the route for every plan, then the next act. Returns the
    wall time, each act's time and the CPU time of this process (all its threads) over the walk."""
    per_act: list[float] = []
    cpu_before = time.process_time()
    started = time.perf_counter()
    for step in STEPS:
        for plan in plans:
            t0 = time.perf_counter()
            act(plan, step)
            per_act.append(time.perf_counter() - t0)
    return time.perf_counter() - started, per_act, time.process_time() - cpu_before


@dataclass
class RoundResult:
    elapsed: float
    per_act: list[float]
    statements: int | None = None
    extra: dict = field(default_factory=dict)
    #: CPU seconds of this process (all its threads) over the acts: steadier than wall time on a shared machine.
    cpu: float | None = None

    @property
    def rate(self) -> float:
        return len(self.per_act) / self.elapsed


class ContenderFailed(Exception):
    """The contender ran but ended wrong (a plan short of the final state, a refused act...)."""


# --- 1. bare SQL -------------------------------------------------------------------------------------------------

class BareSQL:
    name = "bare SQL"

    def __init__(self, template: str, plan_ids: list[int]):
        self.template, self.plan_ids = template, plan_ids

    def run_round(self) -> RoundResult:
        name, url = clone_database(self.template)
        try:
            with psycopg.connect(_libpq(url)) as conn:
                def act(plan_id: int, step: Step) -> None:
                    state, version = conn.execute("SELECT state, version FROM plans WHERE id = %s",
                                                  (plan_id,)).fetchone()
                    if state != step.source:
                        raise ContenderFailed(f"plan {plan_id} is {state}, {step.trigger} needs {step.source}")
                    cur = conn.execute("UPDATE plans SET state = %s, version = version + 1, updated_at = now() "
                                       "WHERE id = %s AND version = %s", (step.dest, plan_id, version))
                    if cur.rowcount != 1:
                        raise ContenderFailed(f"version conflict on plan {plan_id}")
                    conn.execute(
                        "INSERT INTO plan_events (plan_id, machine, from_state, to_state, trigger, role, act_on,"
                        " occurred_at, reference, legal_basis, evidence_ids, payload)"
                        " VALUES (%s, 'pdt_approval', %s, %s, %s, %s, %s, now(), %s, %s, '[]', '{}')",
                        (plan_id, step.source, step.dest, step.trigger, step.who, step.act_on,
                         f"B-{step.trigger}", step.legal_basis))
                    conn.commit()

                elapsed, per_act, cpu = walk_route(self.plan_ids, act)
                at_end = conn.execute("SELECT count(*) FROM plans WHERE id = ANY(%s) AND state = %s",
                                      (self.plan_ids, FINAL_STATE)).fetchone()[0]
            if at_end != len(self.plan_ids):
                raise ContenderFailed(f"{at_end}/{len(self.plan_ids)} plans in {FINAL_STATE}")
            return RoundResult(elapsed, per_act, statements=3 * len(per_act), cpu=cpu)
        finally:
            drop_database(name)


# --- 2. SpiffWorkflow --------------------------------------------------------------------------------------------

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def route_bpmn() -> bytes:
    """The route as a BPMN 2.0 process: start, one user task per act (id = trigger) in its role's lane, end."""
    ids = ["opened", *[s.trigger for s in STEPS], FINAL_STATE]
    lanes: dict[str, list[str]] = {role: [] for role in ROLES_WITH_SYSTEM}
    for step in STEPS:
        lanes[step.who].append(step.trigger)
    lanes["sistema"] += ["opened", FINAL_STATE]
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{role}" name="{role}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs) + "</bpmn:lane>"
        for role, refs in lanes.items())
    flows = [(f"flow_{i}", ids[i], ids[i + 1]) for i in range(len(ids) - 1)]
    nodes = [f'<bpmn:startEvent id="opened"><bpmn:outgoing>{flows[0][0]}</bpmn:outgoing></bpmn:startEvent>']
    for i, step in enumerate(STEPS):
        nodes.append(f'<bpmn:userTask id="{step.trigger}" name="{step.trigger}">'
                     f"<bpmn:incoming>{flows[i][0]}</bpmn:incoming>"
                     f"<bpmn:outgoing>{flows[i + 1][0]}</bpmn:outgoing></bpmn:userTask>")
    nodes.append(f'<bpmn:endEvent id="{FINAL_STATE}"><bpmn:incoming>{flows[-1][0]}</bpmn:incoming>'
                 "</bpmn:endEvent>")
    flow_xml = "".join(f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}"/>'
                       for fid, src, dst in flows)
    return (f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="pdt_definitions" targetNamespace="urn:pdt">'
            f'<bpmn:process id="pdt_route" name="Ruta legal del PDT" isExecutable="true">'
            f'<bpmn:laneSet id="roles">{lane_xml}</bpmn:laneSet>{"".join(nodes)}{flow_xml}'
            "</bpmn:process></bpmn:definitions>").encode()


SPIFF_SCHEMA = """
CREATE TABLE spiff_workflows (
    id serial PRIMARY KEY, entity text NOT NULL, state text NOT NULL, completed boolean NOT NULL DEFAULT false,
    version integer NOT NULL, serialization text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE spiff_events (
    id bigserial PRIMARY KEY, workflow_id integer NOT NULL REFERENCES spiff_workflows (id), task text NOT NULL,
    lane text NOT NULL, role text NOT NULL, from_state text NOT NULL, to_state text NOT NULL, act_on date NOT NULL,
    reference text, occurred_at timestamptz NOT NULL);
CREATE INDEX ix_spiff_events_workflow_id ON spiff_events (workflow_id);
"""


class Spiff:
    name = "SpiffWorkflow"

    def __init__(self, n_plans: int):
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_str(route_bpmn())
        self.spec = parser.get_spec("pdt_route")  # parsed once; every workflow shares it
        self.serializer = BpmnWorkflowSerializer()
        self.n_plans = n_plans
        self.db, url = make_database()
        try:
            self.conn = psycopg.connect(_libpq(url))
            self.conn.execute(SPIFF_SCHEMA)
            self.conn.commit()
        except BaseException:
            drop_database(self.db)
            raise
        self.bytes_per_workflow: list[int] = []

    def _open_plans(self) -> list[int]:
        from SpiffWorkflow.bpmn import BpmnWorkflow

        self.conn.execute("TRUNCATE spiff_events, spiff_workflows RESTART IDENTITY")
        ids = []
        for i in range(self.n_plans):
            workflow = BpmnWorkflow(self.spec)
            workflow.do_engine_steps()  # past the start event: the first user task is ready
            ids.append(self.conn.execute(
                "INSERT INTO spiff_workflows (entity, state, version, serialization) VALUES (%s, 'elected', 0, %s)"
                " RETURNING id", (f"E{i:05d}", self.serializer.serialize_json(workflow))).fetchone()[0])
        self.conn.commit()
        return ids

    def run_round(self) -> RoundResult:
        from SpiffWorkflow.util.task import TaskState

        conn, serializer = self.conn, self.serializer
        ids = self._open_plans()

        def act(workflow_id: int, step: Step) -> None:
            evidence = self.start_evidence()
            version, blob = conn.execute("SELECT version, serialization FROM spiff_workflows WHERE id = %s",
                                         (workflow_id,)).fetchone()
            workflow = serializer.deserialize_json(blob)
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if len(ready) != 1 or ready[0].task_spec.bpmn_id != step.trigger:
                raise ContenderFailed(f"workflow {workflow_id}: ready {[t.task_spec.bpmn_id for t in ready]}, "
                                      f"act {step.trigger}")
            task = ready[0]
            if task.task_spec.lane != step.who:  # the actor's role must be the task's lane
                raise ContenderFailed(f"{step.trigger} is in lane {task.task_spec.lane}, actor is {step.who}")
            task.data.update(act_on=step.act_on.isoformat(), reference=f"B-{step.trigger}")
            task.run()
            workflow.do_engine_steps()
            completed = workflow.is_completed()
            cur = conn.execute(
                "UPDATE spiff_workflows SET serialization = %s, state = %s, completed = %s, version = version + 1,"
                " updated_at = now() WHERE id = %s AND version = %s",
                (serializer.serialize_json(workflow), step.dest, completed, workflow_id, version))
            if cur.rowcount != 1:
                raise ContenderFailed(f"version conflict on workflow {workflow_id}")
            conn.execute(
                "INSERT INTO spiff_events (workflow_id, task, lane, role, from_state, to_state, act_on, reference,"
                " occurred_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now())",
                (workflow_id, step.trigger, task.task_spec.lane, step.who, step.source, step.dest, step.act_on,
                 f"B-{step.trigger}"))
            if evidence is not None:
                evidence.ready()
            conn.commit()

        elapsed, per_act, cpu = walk_route(ids, act)
        at_end, size = conn.execute("SELECT count(*) FILTER (WHERE completed AND state = %s),"
                                    " avg(octet_length(serialization)) FROM spiff_workflows",
                                    (FINAL_STATE,)).fetchone()
        conn.commit()
        if at_end != len(ids):
            raise ContenderFailed(f"{at_end}/{len(ids)} workflows completed in {FINAL_STATE}")
        return RoundResult(elapsed, per_act, statements=3 * len(per_act), cpu=cpu,
                           extra={"serialized bytes per workflow at the end": int(size)})

    def start_evidence(self):
        """The evidence work begun at the act's start and waited for before its COMMIT (``SpiffWithEvidence``);
        SpiffWorkflow alone has none."""
        return None

    def close(self) -> None:
        self.conn.close()
        drop_database(self.db)


class EvidenceWork:
    """The evidence work ``apply_act`` does outside the database, by the project's own code, for a peer that has
    none (``documents.PendingEvidence``: the PDF checked in a checker process, written and fsync'ed in a thread,
    begun at the act's start and waited for before its COMMIT)."""

    def __init__(self, tag: str):
        from workflow_app.app import create_app

        self.uploads = Path(f"/tmp/{tag}-uploads")
        # Only for the evidence store's settings (UPLOAD_DIR) and the checker processes: no database is opened.
        self.app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://", REDIS_URL=None,
                              UPLOAD_DIR=str(self.uploads), **APP_SETTINGS)

    @staticmethod
    def start():
        from bench.transitions import PDF
        from workflow_app.services.route.documents import PendingEvidence, Upload

        return PendingEvidence(Upload("acta.pdf", io.BytesIO(PDF)))

    def around(self, run_round: Callable[[], RoundResult]) -> RoundResult:
        """``run_round`` in the store's context, with the checkers' CPU per act in its result."""
        with self.app.app_context():
            checkers_before = _checker_cpu()
            result = run_round()
            checkers = _checker_cpu_since(checkers_before)
        result.extra["CPU ms per act, PDF checker processes"] = checkers / len(result.per_act) * 1000
        shutil.rmtree(self.uploads, ignore_errors=True)
        return result

    def close(self) -> None:
        shutil.rmtree(self.uploads, ignore_errors=True)


class SpiffWithEvidence(Spiff):
    """SpiffWorkflow's act plus ``EvidenceWork``: the engine with the same evidence work, to read how much of the
    gap the evidence makes. Not the issue's target, which stays SpiffWorkflow alone."""

    name = "Spiff + evidence"

    def __init__(self, n_plans: int):
        super().__init__(n_plans)
        self.evidence = EvidenceWork(self.db)

    def start_evidence(self):
        return self.evidence.start()

    def run_round(self) -> RoundResult:
        return self.evidence.around(super().run_round)

    def close(self) -> None:
        super().close()
        self.evidence.close()


# --- 3. django-viewflow ------------------------------------------------------------------------------------------

class Viewflow:
    name = "django-viewflow"

    def __init__(self, n_plans: int):
        self.n_plans = n_plans
        self.db, _url = make_database()
        try:
            self._configure()
        except BaseException:
            self._close_connections()
            drop_database(self.db)
            raise

    @staticmethod
    def _close_connections() -> None:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()

    def _configure(self) -> None:
        import django
        from django.conf import settings

        admin = conninfo_to_dict(ADMIN_URL)
        settings.configure(
            DEBUG=False,
            USE_TZ=True,
            SECRET_KEY="bench-only",
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
            INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "viewflow", "viewflow.workflow",
                            "bench.peers_viewflow"],
            DATABASES={"default": {
                "ENGINE": "django.db.backends.postgresql", "NAME": self.db,
                "USER": admin.get("user", "postgres"), "PASSWORD": admin.get("password", ""),
                "HOST": admin.get("host", "127.0.0.1"), "PORT": str(admin.get("port", "5432"))}},
        )
        django.setup()
        from django.contrib.auth.models import Permission, User
        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command

        from bench.peers_viewflow.models import PlanProcess

        call_command("migrate", verbosity=0, interactive=False)
        content_type = ContentType.objects.get_for_model(PlanProcess, for_concrete_model=False)
        self.entities = [f"E{i:05d}" for i in range(self.n_plans)]
        users, perms = {}, {}
        for entity in self.entities:
            for role in ROLES_WITH_SYSTEM:
                user = User(username=f"{role}.{entity}")
                user.set_unusable_password()
                users[role, entity] = user
                perms[role, entity] = Permission(codename=f"{role}_{entity}", name=f"{role} of {entity}",
                                                 content_type=content_type)
        User.objects.bulk_create(users.values())
        Permission.objects.bulk_create(perms.values())
        grants = User.user_permissions.through
        grants.objects.bulk_create(grants(user_id=users[key].pk, permission_id=perms[key].pk) for key in users)
        self.user_ids = {key: user.pk for key, user in users.items()}

    def run_round(self) -> RoundResult:
        from django.contrib.auth.models import User
        from django.core.exceptions import PermissionDenied
        from django.db import connection, transaction
        from viewflow.workflow.status import PROCESS, STATUS

        from bench.peers_viewflow.flows import PlanFlow
        from bench.peers_viewflow.models import PlanProcess

        processes = [PlanFlow.start.run(entity=entity) for entity in self.entities]
        entity_of = {process.pk: process.entity for process in processes}
        task_class = PlanFlow.task_class
        nodes = {step.trigger: PlanFlow.instance.node(step.trigger) for step in STEPS}

        def act(process_pk: int, step: Step) -> None:
            user = User.objects.get(pk=self.user_ids[step.who, entity_of[process_pk]])  # as request.user
            node = nodes[step.trigger]
            # What viewflow's task views do on a POST: lock the process row, one transaction.
            with PlanFlow.lock(process_pk), transaction.atomic():
                task = task_class.objects.get(process_id=process_pk, flow_task=node, status=STATUS.NEW)
                if task.process.flow_class is not PlanFlow:
                    raise ContenderFailed("task of another flow")
                activation = node.activation_class(task)
                if not activation.assign.has_perm(user):  # the node's per-entity permission
                    raise PermissionDenied(f"{user.username} may not {step.trigger}")
                activation.assign(user)
                if not node.can_execute(user, task):
                    raise PermissionDenied(f"{user.username} does not own {step.trigger}")
                activation.start(None)  # viewflow 2.4 ignores the request here
                process = activation.process
                if process.state != step.source:
                    raise ContenderFailed(f"process {process_pk} is {process.state}, {step.trigger} needs "
                                          f"{step.source}")
                data = {**process.data, "state": step.dest, "version": process.version + 1}
                updated = PlanProcess.objects.filter(pk=process.pk, data__version=process.version).update(data=data)
                if updated != 1:
                    raise ContenderFailed(f"version conflict on process {process_pk}")
                process.data = data
                task.data = {"act_on": step.act_on.isoformat(), "reference": f"B-{step.trigger}"}
                activation.execute()

        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            elapsed, per_act, cpu = walk_route(list(entity_of), act)
        at_end = PlanProcess.objects.filter(pk__in=list(entity_of), status=PROCESS.DONE,
                                            data__state=FINAL_STATE).count()
        if at_end != len(entity_of):
            raise ContenderFailed(f"{at_end}/{len(entity_of)} processes done in {FINAL_STATE}")
        return RoundResult(elapsed, per_act, statements=count[0], cpu=cpu)

    def close(self) -> None:
        self._close_connections()
        drop_database(self.db)


# --- 4. this project's apply_act ---------------------------------------------------------------------------------

def _checker_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of this process's idle PDF checkers (``infra/files/pdf_process``): the check
    runs there, beside the act, and is reported with the act's own CPU so that no work goes uncounted."""
    from workflow_app.infra.files.pdf_process import checker_pids

    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in checker_pids():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(") ", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (proc(5) fields 14 and 15)
    return out


def _checker_cpu_since(before: dict[int, float]) -> float:
    """CPU seconds the PDF checkers spent since ``before`` (a ``_checker_cpu`` reading); a checker started since
    counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in _checker_cpu().items())


@contextmanager
def apply_act_app(template: str):
    """An app on a fresh copy of ``template``, as bench/transitions.py runs it (notices stay in the outbox), inside
    its app context; the copy, its uploads and its connections are gone afterwards."""
    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db

    name, url = clone_database(template)
    uploads = Path(f"/tmp/{name}-uploads")
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, UPLOAD_DIR=str(uploads),
                         **APP_SETTINGS)
        app.extensions["job_runner"].submit = lambda *a, **k: None
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        drop_database(name)
        shutil.rmtree(uploads, ignore_errors=True)


class ApplyAct:
    name = "apply_act"

    def __init__(self, template: str, casts):
        self.template, self.casts = template, casts

    def run_round(self) -> RoundResult:
        from sqlalchemy import event, text

        from workflow_app.infra.extensions import db

        with apply_act_app(self.template) as app:
            engine = db.engine
            counts = {"statements": 0, "checkouts": 0, "commits": 0}

            def on_statement(*_args):
                counts["statements"] += 1

            def on_checkout(*_args):
                counts["checkouts"] += 1

            def on_commit(*_args):
                counts["commits"] += 1

            listeners = (("before_cursor_execute", on_statement), ("checkout", on_checkout),
                         ("commit", on_commit))
            for name_, fn in listeners:
                event.listen(engine.pool if name_ == "checkout" else engine, name_, fn)
            checkers_before, cpu_before = _checker_cpu(), time.process_time()
            try:
                elapsed, acts, per_act = walk(app, self.casts)
            finally:
                for name_, fn in listeners:
                    event.remove(engine.pool if name_ == "checkout" else engine, name_, fn)
            cpu_here = time.process_time() - cpu_before
            checkers_cpu = _checker_cpu_since(checkers_before)
            at_end = db.session.scalar(text("SELECT count(*) FROM plans WHERE state = :s"), {"s": FINAL_STATE})
        if at_end != len(self.casts):
            raise ContenderFailed(f"{at_end}/{len(self.casts)} plans in {FINAL_STATE}")
        extra = {"pool checkouts per act (pinged only after resting)": counts["checkouts"] / acts,
                 "COMMIT per act": counts["commits"] / acts,
                 "CPU ms per act, PDF checker processes": checkers_cpu / acts * 1000}
        return RoundResult(elapsed, per_act, statements=counts["statements"], extra=extra, cpu=cpu_here)


@dataclass
class ActRecording:
    """Every statement ``apply_act`` sent in a walk of ``bench.transitions.walk`` (its parameters as given to
    psycopg), one list per act (the act's transaction), in the walk's order, and which acts carried a PDF."""

    template: str
    plans: int
    acts: list[list[tuple[str, object]]]
    with_pdf: list[bool]


def record_act_statements(template: str, casts) -> ActRecording:
    """Walk a copy of ``template`` with ``apply_act`` (unmeasured) and keep what it sent."""
    from sqlalchemy import event

    from workflow_app.infra.extensions import db

    acts: list[list[tuple[str, object]]] = []
    current: list[tuple[str, object]] = []

    def on_statement(_conn, _cursor, statement, parameters, _context, _many):
        current.append((statement, parameters))

    def on_commit(_conn):
        acts.append(list(current))
        current.clear()

    with apply_act_app(template) as app:
        event.listen(db.engine, "before_cursor_execute", on_statement)
        event.listen(db.engine, "commit", on_commit)
        walk(app, casts)
    if len(acts) != len(STEPS) * len(casts) or current:
        raise ContenderFailed(f"recorded {len(acts)} transactions for {len(STEPS) * len(casts)} acts")
    # Which acts carry a PDF in the walk: all but the system's.
    return ActRecording(template, len(casts), acts, [who != "sistema" for who, *_rest in ROUTE for _cast in casts])


class ActStatements:
    """apply_act's own SQL without its Python: the statements of an ``ActRecording`` sent again as they were,
    through one psycopg connection, one transaction an act (BEGIN, the act's statements, COMMIT), on a fresh copy
    of the template in each round. What the database and the round trips cost an act; ``apply_act``'s rate
    against it says what its Python costs. No evidence file and no checks: the statements only."""

    name = "apply_act's SQL"

    def __init__(self, recording: ActRecording):
        self.recording = recording
        self.acts = [self.arrange(statements) for statements in recording.acts]  # before any act is timed

    @staticmethod
    def arrange(statements: list[tuple[str, object]]):
        """An act's statements as ``replay`` sends them: in their order."""
        return statements

    def run_round(self) -> RoundResult:
        recording = self.recording
        name, url = clone_database(recording.template)
        try:
            with psycopg.connect(_libpq(url)) as conn:
                per_act: list[float] = []
                cpu_before, started = time.process_time(), time.perf_counter()
                for act, with_pdf in zip(self.acts, recording.with_pdf):
                    t0 = time.perf_counter()
                    self.replay(conn, act, self.start_evidence() if with_pdf else None)
                    per_act.append(time.perf_counter() - t0)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before
                at_end = conn.execute("SELECT count(*) FROM plans WHERE state = %s", (FINAL_STATE,)).fetchone()[0]
            if at_end != recording.plans:
                raise ContenderFailed(f"{at_end}/{recording.plans} plans in {FINAL_STATE}")
            return RoundResult(elapsed, per_act, statements=sum(len(a) for a in recording.acts), cpu=cpu)
        finally:
            drop_database(name)

    @staticmethod
    def replay(conn, statements: list[tuple[str, object]], evidence) -> None:
        """One act: its statements one by one as ``apply_act`` sent them, the evidence waited for, the COMMIT."""
        for sql, params in statements:
            cursor = conn.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
        if evidence is not None:
            evidence.ready()
        conn.commit()

    def start_evidence(self):
        return None


class ActStatementsWithEvidence(ActStatements):
    """``ActStatements`` plus ``EvidenceWork`` on the acts that carry a PDF: the database's part of an act and
    the evidence's, with none of ``apply_act``'s Python between them."""

    name = "SQL + evidence"

    def __init__(self, recording: ActRecording):
        super().__init__(recording)
        self.evidence = EvidenceWork(f"pdt_bench_sql_{uuid.uuid4().hex[:8]}")

    def start_evidence(self):
        return self.evidence.start()

    def run_round(self) -> RoundResult:
        return self.evidence.around(super().run_round)

    def close(self) -> None:
        self.evidence.close()


class ActStatementsInTwoTrips(ActStatements):
    """The same statements in the fewest round trips an act could have: every read sent at once with the BEGIN
    (psycopg's pipeline mode, one wait), then, once the evidence is ready, every write with the COMMIT (one more
    wait). An act must read its plan before the law can say what it writes, so two waits is the least; reads
    that ``apply_act`` sends after its write (the notices' recipients) go with the first, as a single joined read
    could. What round trips cost an act, and what the act's Python could spend at most if they were gone."""

    name = "SQL in 2 trips"

    @staticmethod
    def arrange(statements: list[tuple[str, object]]) -> tuple[list, list]:
        """The act's reads, then its writes, each in their order."""
        return ([(sql, params) for sql, params in statements if _is_read(sql)],
                [(sql, params) for sql, params in statements if not _is_read(sql)])

    @staticmethod
    def replay(conn, act: tuple[list, list], evidence) -> None:
        reads, writes = act
        with conn.pipeline() as pipeline:
            cursors = [conn.execute(sql, params) for sql, params in reads]
            pipeline.sync()
            for cursor in cursors:
                if cursor.description is not None:
                    cursor.fetchall()
            if evidence is not None:
                evidence.ready()
            for sql, params in writes:
                conn.execute(sql, params)
            conn.commit()


def _is_read(sql: str) -> bool:
    """A statement that writes nothing but a sequence's next value (the plan's read reserves the document's id)."""
    return sql.lstrip().upper().startswith("SELECT")


class TwoTripsWithEvidence(ActStatementsInTwoTrips, ActStatementsWithEvidence):
    """``ActStatementsInTwoTrips`` plus ``EvidenceWork``: the least an act with these statements and this evidence
    work can take on this machine, in any language."""

    name = "2 trips + evidence"


def project_template(n_plans: int):
    """A migrated database with the reference data and ``n_plans`` elected plans (bench.transitions.setup)."""
    from flask_migrate import upgrade

    from workflow_app.app import create_app
    from workflow_app.infra.extensions import db

    name, url = make_database()
    try:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, REDIS_URL=None, UPLOAD_DIR=f"/tmp/{name}-uploads")
        with app.app_context():
            upgrade()
            casts = setup(app, n_plans)
            db.engine.dispose()
    except BaseException:
        drop_database(name)
        raise
    return name, casts


# --- the run -----------------------------------------------------------------------------------------------------

def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in ("SpiffWorkflow", "Django", "django-viewflow", "SQLAlchemy", "psycopg"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    with psycopg.connect(ADMIN_URL) as conn:
        server = conn.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {server} · Python {sys.version.split()[0]} · " + " · ".join(parts)


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def by_step(contenders: list, results: dict[str, list[RoundResult]], failures: dict[str, str]) -> str:
    """Each act of the route apart: the median ms of that act over every plan and round, per contender. Every
    contender walks in the same order (each act for every plan, then the next act), so a round's ``per_act`` holds
    one run of ``len(per_act) // len(STEPS)`` plans per step. Says which acts carry a contender's gap."""
    names = [c.name for c in contenders if c.name not in failures and results[c.name]]
    short = {"bare SQL": "bare", "SpiffWorkflow": "Spiff", "Spiff + evidence": "Spiff+ev", "django-viewflow": "viewflow",
             "apply_act": "apply_act", "apply_act's SQL": "its SQL", "SQL + evidence": "SQL+ev",
             "SQL in 2 trips": "2 trips", "2 trips + evidence": "2trips+ev"}
    lines = ["", "ms per act, act by act (median over plans and rounds):",
             f"{'act of the route':<31}" + "".join(f"{short.get(n, n):>10}" for n in names)]
    for i, step in enumerate(STEPS):
        cells = []
        for name in names:
            values = []
            for r in results[name]:
                n = len(r.per_act) // len(STEPS)
                values += r.per_act[i * n:(i + 1) * n]
            cells.append(f"{statistics.median(values) * 1000:>10.2f}")
        lines.append(f"{step.trigger[:30]:<31}" + "".join(cells))
    return "\n".join(lines)


#: Settings of every app the bench makes, from its options. ``EVIDENCE_STORE`` (``--evidence-store``): where
#: apply_act and the evidence contenders keep the PDF: ``local``, a file written and fsync'ed beside the act
#: (``make run``'s default, one host), or ``postgres``, its bytes inserted in the act's own transaction (README,
#: «Producción»: two or more web hosts). The peers keep none.
APP_SETTINGS: dict[str, str] = {"EVIDENCE_STORE": "local"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--evidence-store", choices=("local", "postgres"), default="local",
                        help="where apply_act keeps its evidence PDF: a fsync'ed file (local, the default) or the "
                             "act's own transaction (postgres)")
    args = parser.parse_args(argv)
    APP_SETTINGS["EVIDENCE_STORE"] = args.evidence_store
    if not 1 <= args.plans <= 1135:
        parser.error("--plans goes from 1 to 1135 (one plan per entity)")

    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {_uptime()}")
    print(_versions())
    print(f"plans: {args.plans} · acts per plan: {len(STEPS)} · rounds: {args.rounds} (interleaved) · "
          f"evidence store: {args.evidence_store}")

    contenders: list = []
    failures: dict[str, str] = {}
    template = None
    try:
        template, casts = project_template(args.plans)
        contenders.append(BareSQL(template, [plan_id for plan_id, _ in casts]))
        for factory in (Spiff, SpiffWithEvidence, Viewflow):
            try:
                contenders.append(factory(args.plans))
            except Exception as exc:  # e.g. the bench extra not installed: reported, never faked
                failures[factory.name] = f"setup failed: {exc!r}"
                traceback.print_exc()
        contenders.append(ApplyAct(template, casts))
        recording = record_act_statements(template, casts)
        contenders += [ActStatements(recording), ActStatementsWithEvidence(recording),
                       ActStatementsInTwoTrips(recording), TwoTripsWithEvidence(recording)]

        results: dict[str, list[RoundResult]] = {c.name: [] for c in contenders}
        for r in range(args.rounds):
            order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
            for contender in order:
                if contender.name in failures:
                    continue
                gc.collect()
                try:
                    result = contender.run_round()
                except Exception as exc:
                    failures[contender.name] = f"round {r + 1}: {exc!r}"
                    traceback.print_exc()
                    continue
                results[contender.name].append(result)
                print(f"  round {r + 1}: {contender.name:<16} {result.rate:8,.0f} acts/s", flush=True)
    finally:
        for contender in contenders:
            if hasattr(contender, "close"):
                try:
                    contender.close()
                except Exception:  # noqa: BLE001 - cleanup must go on
                    traceback.print_exc()
        if template:
            drop_database(template)

    reference = results.get("apply_act") if "apply_act" not in failures else None
    ref_rate = statistics.median(r.rate for r in reference) if reference else None
    print()
    print(f"{'contender':<17}{'median acts/s':>14}{'min–max':>16}{'ms/act p50':>12}{'p95':>8}"
          f"{'× apply_act':>13}{'stmts/act':>11}{'CPU ms/act':>12}")
    for contender in contenders:
        rounds = results[contender.name]
        if contender.name in failures or not rounds:
            print(f"{contender.name:<17}  FAILED: {failures.get(contender.name, 'no round')}")
            continue
        rates = [r.rate for r in rounds]
        per_act = [t for r in rounds for t in r.per_act]
        acts = sum(len(r.per_act) for r in rounds)
        statements = (f"{sum(r.statements for r in rounds) / acts:.1f}"
                      if all(r.statements is not None for r in rounds) else "—")
        ratio = f"{statistics.median(rates) / ref_rate:.2f}" if ref_rate else "—"
        cpu = (f"{sum(r.cpu for r in rounds) / acts * 1000:.2f}"
               if all(r.cpu is not None for r in rounds) else "—")
        print(f"{contender.name:<17}{statistics.median(rates):>14,.0f}"
              f"{f'{min(rates):,.0f}–{max(rates):,.0f}':>16}"
              f"{statistics.median(per_act) * 1000:>12.2f}{_p95(per_act) * 1000:>8.2f}{ratio:>13}{statements:>11}"
              f"{cpu:>12}")
    for contender in contenders:
        for key in (results[contender.name][-1].extra if results[contender.name] else {}):
            values = [r.extra[key] for r in results[contender.name]]
            print(f"  {contender.name}: {key}: {statistics.mean(values):,.2f}")
    floor = {name: statistics.median(t for r in results.get(name, []) for t in r.per_act)
             for name in ("apply_act", "SQL + evidence", "2 trips + evidence", "SpiffWorkflow")
             if name not in failures and results.get(name)}
    if len(floor) == 4:  # what no implementation with these statements and this evidence work can go under
        print(f"  apply_act beyond its own SQL and evidence (its Python): "
              f"{(floor['apply_act'] - floor['SQL + evidence']) * 1000:.2f} ms an act (p50); SQL + evidence is "
              f"{floor['SpiffWorkflow'] / floor['SQL + evidence']:.2f}× SpiffWorkflow's speed, the most any "
              f"apply_act with them could reach")
        least = min(floor["SQL + evidence"], floor["2 trips + evidence"])
        budget = (floor["SpiffWorkflow"] - least) * 1000
        print(f"  in two round trips, SQL + evidence is {floor['SpiffWorkflow'] / floor['2 trips + evidence']:.2f}× "
              f"SpiffWorkflow's speed (the evidence is then waited for between them); "
              + (f"an act that matched SpiffWorkflow would have {budget:.2f} ms (p50) for all its Python"
                 if budget > 0 else f"even the quicker floor is {-budget:.2f} ms (p50) slower than SpiffWorkflow's "
                                    f"act, with no Python at all"))
    print(by_step(contenders, results, failures))
    for missing in ("SpiffWorkflow", "Spiff + evidence", "django-viewflow"):
        if missing in failures and missing not in results:
            print(f"{missing:<17}  MISSING: {failures[missing]}")
    print("statements: SQL sent to the server per act, BEGIN/COMMIT not counted; CPU: this process's, all its "
          "threads, over the acts (PostgreSQL's and apply_act's PDF checkers' apart); timings are never asserted")
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
