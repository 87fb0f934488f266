"""issue 20 (the statutes' words): L136 art. 80's reconsideration of a partly vitiated acuerdo in the plans' state check

Revision ID: 0020f_tribunal_reconsideration
Revises: (chained on merge)
Create Date: 2026-12-06 06:00:00

"""
from alembic import op

revision = '0020f_tribunal_reconsideration'
down_revision = '0020s_sessions'
branch_labels = None
depends_on = None

# The legal states as of the previous revision (state_machines/approval/pdt.py PDT_STATES), frozen here on purpose.
_BEFORE = ('elected', 'in_office', 'drafting', 'submitted_to_consejo_de_gobierno', 'consolidated', 'submitted_to_ctp',
           'ctp_stage_closed', 'adjusting', 'filed_with_corporacion', 'in_debate', 'approved_by_corporacion',
           'decree_eligible', 'adopted_by_decree', 'sanction_pending', 'objected', 'sanction_due',
           'illegality_insisted', 'before_tribunal', 'archived', 'sanctioned', 'published', 'in_force')
# L136 art. 80: "Si el tribunal considera parcialmente viciado el proyecto, así lo indicará al Concejo para que se
# reconsidere. Cumplido este trámite, el proyecto se remitirá de nuevo al Tribunal para fallo definitivo."
_NEW = ('tribunal_reconsideration',)


def _check(states) -> str:
    return "state IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE[:18] + _NEW + _BEFORE[18:]))


def downgrade():
    # A plan in reconsideration goes back to the Tribunal's docket (the nearest state the older table knows).
    op.execute("UPDATE plans SET state = 'before_tribunal' WHERE state = 'tribunal_reconsideration'")
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE))
