"""RQ's built-in scheduler: `rq cron notifications/cron_config.py` (one process per deployment).

Cron strings are UTC. America/Bogota is UTC−5 all year (no daylight saving time), so 07:00 in Bogotá is
12:00 UTC. The sweep runs every five minutes and computes "today" in Bogotá itself, so automatic effects
apply at the first sweep after 00:00 Bogotá whatever the server's clock zone.
"""
from rq import cron

from notifications.digest import digest_job
from notifications.sweep import sweep_job
from workflow_app.infra.jobs import QUEUE_NAME
from workflow_app.services.followup.cuts import cut_job
from workflow_app.services.followup.survey import survey_job
from workflow_app.services.integrity.checkpoints import checkpoint_job

SWEEP_CRON = "*/5 * * * *"
DIGEST_CRON = "0 12 * * *"  # 07:00 America/Bogota
CHECKPOINT_CRON = "30 5 * * *"  # 00:30 America/Bogota: the day's signed history checkpoint (if CHECKPOINT_KEY)
# Monitoreo 360 (services/followup): the monthly survey's notices (daily; each person told once a month, from the
# send day) at 08:00 Bogotá, and the fortnightly SETA cut at 23:50 Bogotá (taken only on the 15th and the last day).
SURVEY_CRON = "0 13 * * *"
SETA_CUT_CRON = "50 4 * * *"

cron.register(sweep_job, QUEUE_NAME, cron=SWEEP_CRON, job_timeout=600, name="pdt-sweep")
cron.register(digest_job, QUEUE_NAME, cron=DIGEST_CRON, job_timeout=600, name="pdt-digest")
cron.register(checkpoint_job, QUEUE_NAME, cron=CHECKPOINT_CRON, job_timeout=600, name="pdt-checkpoint")
cron.register(survey_job, QUEUE_NAME, cron=SURVEY_CRON, job_timeout=600, name="pdt-monthly-survey")
cron.register(cut_job, QUEUE_NAME, cron=SETA_CUT_CRON, job_timeout=600, name="pdt-seta-cut")
