"""The plan's process: viewflow 2's documented way of adding fields to a process, a proxy of ``Process`` whose
fields live in its JSON ``data`` column (``viewflow.jsonstore``), so the app needs no table of its own."""
from viewflow import jsonstore
from viewflow.workflow.models import Process


class PlanProcess(Process):
    entity = jsonstore.CharField(max_length=10)  # the plan's entity: each step's permission is tied to it
    state = jsonstore.CharField(max_length=64, blank=True)  # the plan's legal state after the last act
    version = jsonstore.IntegerField(default=0)  # bumped by every act, under a version-checked UPDATE

    class Meta:
        proxy = True
