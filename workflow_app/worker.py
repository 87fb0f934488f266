"""The RQ worker entry point: ``rq worker -w workflow_app.worker.AppWorker pdt``.

Jobs take ids and run inside an application context; this worker builds the app once per process, from the
same environment variables as the web (``DATABASE_URL``, ``REDIS_URL``, SMTP settings…), and runs every job
inside its context. The jobs themselves (``notifications.jobs``, ``notifications.sweep.sweep_job``,
``notifications.digest.digest_job``) therefore never build an app of their own.
"""
from __future__ import annotations

from flask import Flask
from rq.worker import SimpleWorker

from workflow_app.app import create_app


class AppWorker(SimpleWorker):
    """RQ's SimpleWorker (jobs run in the worker process itself) with the app context around each job."""

    _app: Flask | None = None

    @classmethod
    def flask_app(cls) -> Flask:
        if cls._app is None:
            cls._app = create_app()
        return cls._app

    def execute_job(self, job, queue):  # noqa: ANN001 - RQ's signature
        with self.flask_app().app_context():  # its teardown returns the job's database session
            return super().execute_job(job, queue)
