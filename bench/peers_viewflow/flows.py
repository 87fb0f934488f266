"""The legal route as a viewflow 2 flow: a ``StartHandle`` (plans are opened from code), one ``View`` node per
step of ``bench.transitions.ROUTE`` guarded by a per-entity permission of the step's role
(``peers_viewflow.<role>_<entity>``: the callable form of ``.Permission`` that viewflow's docs show for
"department manager of this process"), and an ``End``. Processes are locked with ``select_for_update``, the
lock viewflow recommends on PostgreSQL."""
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.flow.views import UpdateProcessView

from bench.transitions import ROUTE

from .models import PlanProcess


def permission_of(role: str):
    return lambda activation: f"peers_viewflow.{role}_{activation.process.entity}"


def _nodes() -> dict:
    nodes = {"start": flow.StartHandle(this.open_plan).Next(getattr(this, ROUTE[0][1]))}
    for index, (who, trigger, _on, _today, _payload) in enumerate(ROUTE):
        following = getattr(this, ROUTE[index + 1][1]) if index + 1 < len(ROUTE) else this.end
        nodes[trigger] = (flow.View(UpdateProcessView.as_view(fields=[]))
                          .Permission(permission_of(who)).Next(following))
    nodes["end"] = flow.End()
    return nodes


def _open_plan(self, activation, entity: str):
    activation.process.entity = entity
    activation.process.state = "elected"
    activation.process.version = 0
    return activation.process


PlanFlow = type("PlanFlow", (flow.Flow,), {
    "__module__": __name__,
    "__doc__": "Ruta legal del PDT (bench)",
    "process_class": PlanProcess,
    "lock_impl": lock.select_for_update_lock,
    "open_plan": _open_plan,
    **_nodes(),
})
