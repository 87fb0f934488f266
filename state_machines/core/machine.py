"""Generic legal state machine: a declarative transition table driven over immutable snapshots.

Each procedure (the PDT approval route and its sub-procedures) is a table of ``Transition`` rows. A
``LegalMachine`` turns the table into ONE pytransitions ``Machine`` built at import time and fires it over
plain snapshot objects built by the services from the database; it never holds one machine per plan.

Why a wrapper: pytransitions returns ``False`` silently when a condition fails and its ``to_<state>()``
helpers bypass conditions. Here ``auto_transitions=False``, the wrapper evaluates the role and every guard
itself and raises ``TransitionRefused`` with the first failing reason (Spanish, for people) and its norm.
pytransitions still performs the state change, with a condition that re-checks the same verdict, so the
table is the machine.

Thread safety: the shared ``Machine`` holds no models. Every call builds a throwaway ``_Carrier`` model and
calls ``Event.trigger(carrier, ...)`` directly; pytransitions only reads the shared machine (events,
states, transitions) and writes to the carrier, and with ``queued=False`` its transition queue is never
used. Guards are pure functions of the snapshot. No lock is needed; ``tests/state_machines`` checks it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Mapping, Protocol

from transitions import Machine, State

from state_machines.core.roles import ROLE_LABELS, Role

# A snapshot is any frozen object with a ``state`` attribute (PlanSnapshot, CarReviewSnapshot, ...).
Snapshot = Any
Guard = Callable[[Snapshot], "Verdict"]

# Dest marker for an act that is recorded without changing state (amendment loop, convocations).
SAME = "="

REFUSAL_CODES = frozenset({"unknown_trigger", "wrong_state", "role_not_allowed", "guard_failed"})


class DeadlineLike(Protocol):
    """What guards read from the legal calendar (calendar-contract.md, output fields)."""

    earliest: date
    latest: date
    act_by: date
    overdue_from: date


@dataclass(frozen=True)
class Deadline:
    """Plain deadline value with the calendar contract's dates; any object with these attributes works."""

    earliest: date
    latest: date
    act_by: date
    overdue_from: date
    legal_basis: str = ""


@dataclass(frozen=True)
class Verdict:
    """Result of one guard. ``reason`` is Spanish (es-CO) and shown to people when ``ok`` is False."""

    ok: bool
    reason: str = ""
    legal_basis: str = ""
    #: The act form's field the refusal is about (``forms.acts``: "article_count", "act_on"…), said beside it.
    field: str | None = None

    def __bool__(self) -> bool:
        return self.ok


OK = Verdict(True)


def refuse(reason: str, legal_basis: str, field: str | None = None) -> Verdict:
    return Verdict(False, reason, legal_basis, field)


@dataclass(frozen=True)
class Transition:
    """One row of a legal transition table.

    ``effects`` names what the service must do after a successful firing: ``start_*`` sub-procedures,
    ``event:*`` milestone events (``hitos.csv``), ``flag:*`` compliance flags. ``effect_when`` makes an effect
    conditional: pairs of (effect name, predicate over the snapshot); effects not listed there always apply.
    ``source_when`` does the same for sources: pairs of (source state, rule) for a row that leaves that state only
    while a configurable reading of the law (a module constant the rule reads) holds; elsewhere the row is absent
    from that state (not drawn, not offered, refused as from a wrong state). ``dest_when`` makes the destination
    depend on what the act brings: pairs of (destination, predicate over the snapshot), the first that holds wins,
    else ``dest`` (a ruling's outcome, as django-fsm's computed targets: each destination is still declared).
    """

    trigger: str
    source: tuple[str, ...] | str
    dest: str
    roles: frozenset[Role]
    guards: tuple[Guard, ...]
    legal_basis: str
    label: str
    effects: tuple[str, ...] = ()
    effect_when: tuple[tuple[str, Callable[[Snapshot], bool]], ...] = ()
    source_when: tuple[tuple[str, Callable[[], bool]], ...] = ()
    dest_when: tuple[tuple[str, Callable[[Snapshot], bool]], ...] = ()

    @property
    def declared_sources(self) -> tuple[str, ...]:
        """Every source the row names, whether or not its rule (``source_when``) is in force."""
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)

    @property
    def sources(self) -> tuple[str, ...]:
        """The states the row leaves under the rules in force."""
        return tuple(s for s in self.declared_sources if self.leaves(s))

    def leaves(self, state: str) -> bool:
        """The row leaves ``state`` under the rules in force (``source_when``)."""
        if not self.source_when:
            return True
        rule = dict(self.source_when).get(state)
        return rule is None or rule()

    def dest_from(self, source: str) -> str:
        """The row's default destination from ``source`` (``dest_when`` may choose another)."""
        return source if self.dest == SAME else self.dest

    def dests_from(self, source: str) -> tuple[str, ...]:
        """Every destination the row may reach from ``source``: those of ``dest_when``, then the default."""
        out: list[str] = []
        for d in (*(d for d, _ in self.dest_when), self.dest_from(source)):
            if d not in out:
                out.append(d)
        return tuple(out)

    def effects_for(self, snapshot: Snapshot) -> tuple[str, ...]:
        conditions = dict(self.effect_when)
        return tuple(e for e in self.effects if e not in conditions or conditions[e](snapshot))


@dataclass(frozen=True)
class Outcome:
    """A successful firing: what the service persists in the append-only history, then applies."""

    source: str
    dest: str
    trigger: str
    legal_basis: str
    effects: tuple[str, ...]


class TransitionRefused(Exception):
    """A refused act, with the Spanish reason to show and the norm behind it."""

    def __init__(self, *, trigger: str, state: str, role: Role | str, reason: str, legal_basis: str,
                 code: str, machine: str = "", field: str | None = None):
        assert code in REFUSAL_CODES, code
        super().__init__(reason)
        self.field = field  # the guard's field, if it named one (``Verdict.field``)
        self.trigger = trigger
        self.state = state
        self.role = role
        self.reason = reason
        self.legal_basis = legal_basis
        self.code = code
        self.machine = machine

    def __repr__(self) -> str:
        return (f"TransitionRefused(machine={self.machine!r}, trigger={self.trigger!r}, state={self.state!r}, "
                f"role={getattr(self.role, 'value', self.role)!r}, code={self.code!r}, reason={self.reason!r})")


class _Carrier:
    """Throwaway pytransitions model: carries one snapshot's state through one firing."""

    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state


def _as_role(role: Role | str) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        return None


def _role_label(role: Role | str) -> str:
    r = _as_role(role)
    return ROLE_LABELS[r] if r is not None else str(role)


class LegalMachine:
    """A legal procedure: states with Spanish labels, a transition table, one pytransitions Machine."""

    def __init__(self, name: str, states: Mapping[str, str], initial: str, transitions: Iterable[Transition],
                 final_states: Iterable[str], initial_effects: tuple[str, ...] = ()):
        self.name = name
        self.states: dict[str, str] = dict(states)
        self.initial = initial
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.final_states = frozenset(final_states)
        # Effects to apply when an instance of this procedure starts in ``initial`` (e.g. a milestone event).
        self.initial_effects = tuple(initial_effects)
        #: (trigger, state) -> (Spanish reason, norm) for an act refused in that state with a reason of its own.
        self.state_refusals: dict[tuple[str, str], tuple[str, str]] = {}
        #: (trigger, state) -> (Spanish reason, norm) or None: a procedure's own words for any act that does not
        #: leave the current state (Phase II says what must come first: ``phase2.phase2_state_refusal``).
        self.explain_state: Callable[[str, str], tuple[str, str] | None] | None = None
        self._check_table()
        self._by_trigger: dict[str, list[Transition]] = {}
        self._by_source: dict[str, list[Transition]] = {s: [] for s in self.states}
        self._row: dict[tuple[str, str], Transition] = {}
        for t in self.transitions:
            self._by_trigger.setdefault(t.trigger, []).append(t)
            for s in t.declared_sources:
                self._by_source[s].append(t)
                self._row[(s, t.trigger)] = t
        self._machine = self._build()

    # -- construction -------------------------------------------------------------------------------------

    def _check_table(self) -> None:
        if self.initial not in self.states:
            raise ValueError(f"{self.name}: initial state {self.initial!r} is not a state")
        if not self.final_states <= set(self.states):
            raise ValueError(f"{self.name}: final states {set(self.final_states) - set(self.states)} unknown")
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if not t.roles:
                raise ValueError(f"{self.name}.{t.trigger}: a transition needs at least one role")
            if not t.label or not t.legal_basis:
                raise ValueError(f"{self.name}.{t.trigger}: label and legal_basis are required")
            if t.dest != SAME and t.dest not in self.states:
                raise ValueError(f"{self.name}.{t.trigger}: unknown dest {t.dest!r}")
            for d, _ in t.dest_when:
                if d not in self.states:  # a computed destination is a declared state too (not SAME)
                    raise ValueError(f"{self.name}.{t.trigger}: unknown dest {d!r}")
            for s in t.declared_sources:
                if s not in self.states:
                    raise ValueError(f"{self.name}.{t.trigger}: unknown source {s!r}")
                if s in self.final_states and t.dest != SAME:
                    raise ValueError(f"{self.name}.{t.trigger}: a final state has no way out ({s!r})")
                if (s, t.trigger) in seen:
                    # One row per (source, trigger): firing is deterministic and refusals name one guard.
                    raise ValueError(f"{self.name}: duplicate row for ({s!r}, {t.trigger!r})")
                seen.add((s, t.trigger))
            unknown = set(dict(t.effect_when)) - set(t.effects)
            if unknown:
                raise ValueError(f"{self.name}.{t.trigger}: conditions for effects not listed: {unknown}")
            unknown = set(dict(t.source_when)) - set(t.declared_sources)
            if unknown:
                raise ValueError(f"{self.name}.{t.trigger}: rules for sources not listed: {unknown}")

    def _build(self) -> Machine:
        machine = Machine(
            model=None,
            states=[State(s, final=s in self.final_states) for s in self.states],
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
            queued=False,
            ignore_invalid_triggers=False,
            name=self.name,
        )
        for t in self.transitions:
            # pytransitions takes the first of a trigger's rows whose conditions hold: the computed destinations
            # first, each with its predicate, then the default one when none holds.
            for d, when in t.dest_when:
                machine.add_transition(t.trigger, list(t.declared_sources), d,
                                       conditions=[self._condition_for(t), self._when(when)])
            machine.add_transition(
                t.trigger, list(t.declared_sources), t.dest,
                conditions=[self._condition_for(t)],
                unless=[self._when(when) for _, when in t.dest_when],
            )
        return machine

    @staticmethod
    def _when(predicate: Callable[[Snapshot], bool]) -> Callable[[Any], bool]:
        def condition(event_data: Any) -> bool:
            return bool(predicate(event_data.kwargs["snapshot"]))

        return condition

    def _condition_for(self, t: Transition) -> Callable[[Any], bool]:
        def condition(event_data: Any) -> bool:
            kwargs = event_data.kwargs
            return self._verdict(t, kwargs["snapshot"], kwargs["role"]).ok

        return condition

    # -- queries ------------------------------------------------------------------------------------------

    @property
    def triggers(self) -> tuple[str, ...]:
        return tuple(self._by_trigger)

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def is_final(self, state: str) -> bool:
        return state in self.final_states

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self._by_source.get(state, ()) if t.leaves(state)]

    def row(self, state: str, trigger: str) -> Transition | None:
        t = self._row.get((state, trigger))
        return t if t is not None and t.leaves(state) else None

    def state_refusal(self, trigger: str, state: str) -> tuple[str, str] | None:
        """Why ``trigger`` does not proceed from ``state``, in this procedure's own words, with its norm
        (``state_refusals``, then ``explain_state``); None when it has none (the generic reason applies)."""
        if (trigger, state) in self.state_refusals:
            return self.state_refusals[(trigger, state)]
        return self.explain_state(trigger, state) if self.explain_state is not None else None

    def steps_towards(self, state: str, trigger: str) -> tuple[tuple[Transition, ...], tuple[Transition, ...]] | None:
        """The way from ``state`` to a state that ``trigger`` leaves, read from the table: the acts that enter such a
        state on a shortest way from here (what must come right before), and the first acts of the shortest way
        (what comes next from here). None when no way leads there (the act was passed, or another branch taken).
        Acts that stay in their state (``SAME``) are not steps."""
        targets = {s for t in self._by_trigger.get(trigger, ()) for s in t.sources} - {state}
        ahead = {state: 0}
        queue = [state]
        while queue:
            here = queue.pop(0)
            for t in self.transitions_from(here):
                there = t.dest_from(here)
                if there not in ahead:
                    ahead[there] = ahead[here] + 1
                    queue.append(there)
        reached = targets & set(ahead)
        if not reached:
            return None
        behind = {s: 0 for s in reached}  # each state's distance to the nearest state the act leaves
        queue = list(reached)
        while queue:
            here = queue.pop(0)
            for t in self.transitions:
                if t.dest == SAME or t.dest != here:
                    continue
                for source in t.sources:
                    if source not in behind:
                        behind[source] = behind[here] + 1
                        queue.append(source)
        needed = tuple(t for t in self.transitions if t.dest in reached
                       and any(ahead.get(s, -2) + 1 == ahead[t.dest] for s in t.sources))
        first = tuple(t for t in self.transitions_from(state)
                      if t.dest != SAME and behind.get(t.dest, -2) == behind[state] - 1)
        return needed, first

    def guard_verdict(self, t: Transition, snapshot: Snapshot) -> Verdict:
        """The first failing guard of ``t`` on ``snapshot``, or OK."""
        for guard in t.guards:
            verdict = guard(snapshot)
            if not verdict.ok:
                return verdict
        return OK

    def _verdict(self, t: Transition, snapshot: Snapshot, role: Role | str) -> Verdict:
        r = _as_role(role)
        if r is None or r not in t.roles:
            return refuse(self._role_reason(t, role), t.legal_basis)
        return self.guard_verdict(t, snapshot)

    def available(self, snapshot: Snapshot, role: Role | str) -> list[tuple[Transition, Verdict]]:
        """Acts this role could do from the current state, each with its verdict (disabled ones say why)."""
        r = _as_role(role)
        return [(t, self.guard_verdict(t, snapshot))
                for t in self.transitions_from(snapshot.state) if r is not None and r in t.roles]

    def allowed(self, snapshot: Snapshot, role: Role | str) -> list[Transition]:
        """Acts this role may do now: right state, right role, every guard passes."""
        return [t for t, v in self.available(snapshot, role) if v.ok]

    # -- firing -------------------------------------------------------------------------------------------

    def check(self, snapshot: Snapshot, trigger: str, role: Role | str) -> Transition:
        """Return the row that ``fire`` would take, or raise ``TransitionRefused`` (deny by default)."""
        state = snapshot.state

        def refused(code: str, reason: str, legal_basis: str) -> TransitionRefused:
            return TransitionRefused(trigger=trigger, state=state, role=role, reason=reason,
                                     legal_basis=legal_basis, code=code, machine=self.name)

        if trigger not in self._by_trigger:
            raise refused("unknown_trigger", f"La acción «{trigger}» no existe en este procedimiento.", "")
        t = self.row(state, trigger)
        if t is None and (own := self.state_refusal(trigger, state)) is not None:
            raise refused("wrong_state", *own)
        if t is None:
            raise refused("wrong_state", self._state_reason(trigger, state), self._by_trigger[trigger][0].legal_basis)
        r = _as_role(role)
        if r is None or r not in t.roles:
            raise refused("role_not_allowed", self._role_reason(t, role), t.legal_basis)
        verdict = self.guard_verdict(t, snapshot)
        if not verdict.ok:
            error = refused("guard_failed", verdict.reason or "La acción no cumple una condición legal.",
                            verdict.legal_basis or t.legal_basis)
            error.field = verdict.field
            raise error
        return t

    def fire(self, snapshot: Snapshot, trigger: str, role: Role | str) -> Outcome:
        """Apply ``trigger`` as ``role`` on ``snapshot``; raises ``TransitionRefused`` with the first failing reason.

        Order of checks: the trigger exists, it leaves the current state, the role may do it, every guard.
        The snapshot is not modified; the service persists ``Outcome.dest`` and applies ``Outcome.effects``.
        """
        t = self.check(snapshot, trigger, role)
        carrier = _Carrier(snapshot.state)
        changed = self._machine.events[trigger].trigger(carrier, snapshot=snapshot, role=role)
        if not changed:  # pragma: no cover - the condition re-checks the verdict just computed
            raise RuntimeError(f"{self.name}: pytransitions refused {trigger!r} after the wrapper allowed it")
        return Outcome(source=snapshot.state, dest=carrier.state, trigger=trigger, legal_basis=t.legal_basis,
                       effects=t.effects_for(snapshot))

    # -- Spanish reasons ----------------------------------------------------------------------------------

    def _state_reason(self, trigger: str, state: str) -> str:
        rows = self._by_trigger[trigger]
        label = rows[0].label
        sources = [s for t in rows for s in t.sources]
        allowed_from = "; ".join(f"«{self.label(s)}»" for s in sources)
        if state not in self.states:
            return f"«{label}» no procede: el estado «{state}» no existe en este procedimiento."
        return (f"«{label}» no procede cuando el trámite está en «{self.label(state)}». "
                f"Solo procede desde: {allowed_from}.")

    @staticmethod
    def _role_reason(t: Transition, role: Role | str) -> str:
        who = ", ".join(sorted(ROLE_LABELS[r] for r in t.roles))
        return f"«{t.label}» le corresponde a: {who}. Su rol ({_role_label(role)}) no puede realizarla."


def spanish_date(d: date) -> str:
    """Date as people read it in Colombia: '15 de junio de 2020'."""
    months = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre")
    return f"{d.day} de {months[d.month - 1]} de {d.year}"


def evidence_missing(document: str) -> str:
    """What an act without its supporting document is told (``evidence_guard``; the act's form says it too)."""
    return f"Adjunte {document} como soporte de esta actuación."


def evidence_guard(document: str, legal_basis: str) -> Guard:
    """Guard factory: the act needs its supporting document attached (``snapshot.has_evidence``)."""

    def has_evidence(snapshot: Snapshot) -> Verdict:
        if getattr(snapshot, "has_evidence", False):
            return OK
        return refuse(evidence_missing(document), legal_basis)

    has_evidence.__doc__ = f"Requires {document} as evidence of the act ({legal_basis})."
    has_evidence.__qualname__ = has_evidence.__name__ = "has_evidence"
    has_evidence.document = document  # type: ignore[attr-defined]
    has_evidence.legal_basis = legal_basis  # type: ignore[attr-defined]
    return has_evidence

