"""The RQ worker entry point: ``rq worker --with-scheduler -w workflow_app.worker.AppWorker pdt`` (README, production).

Jobs take ids and run inside an application context; this worker builds the app once per process, from the
same environment variables as the web (``DATABASE_URL``, ``REDIS_URL``, SMTP settings…), and runs every job
inside its context. The jobs themselves (``notifications.jobs``, ``notifications.sweep.sweep_job``,
``notifications.digest.digest_job``) therefore never build an app of their own.
"""
from __future__ import annotations

from flask import Flask
from rq.worker import SimpleWorker

from workflow_app.app import create_app

#: How long the worker's command-channel thread waits for a message before looking whether it must stop.
COMMAND_POLL_SECONDS = 1


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

    def subscribe(self):
        """RQ's subscription to the worker's command channel (``rq`` sends "stop the job", "shut down" there),
        with the listening thread waking every second instead of RQ's 60.

        redis-py 8 made ``PubSubWorkerThread.stop()`` wait for the thread to end, and RQ 3 calls it without a
        timeout when the worker stops: the thread only sees the request when its ``get_message`` wait ends, so a
        worker told to stop (SIGTERM at a deploy, the end of a ``--burst`` run) lingered up to 60 s before exiting.
        """
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(sleep_time=COMMAND_POLL_SECONDS, daemon=True,
                                                       exception_handler=self._pubsub_exception_handler)
