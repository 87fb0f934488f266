"""issue 20 (debates): the archived project (L136 art. 75; L2200 art. 98; D1222 art. 76) in the plans' state check

Revision ID: 0020d_project_archived
Revises: 0020f_tribunal_reconsideration
Create Date: 2026-12-06 06:00:00

"""
from alembic import op

revision = '0020d_project_archived'
down_revision = '0020f_tribunal_reconsideration'
branch_labels = None
depends_on = None

# The legal states as of 0020f_tribunal_reconsideration (state_machines/approval/pdt.py PDT_STATES), frozen here on purpose.
_BEFORE = ('elected', 'in_office', 'drafting', 'submitted_to_consejo_de_gobierno', 'consolidated', 'submitted_to_ctp',
           'ctp_stage_closed', 'adjusting', 'filed_with_corporacion', 'in_debate', 'approved_by_corporacion',
           'decree_eligible', 'adopted_by_decree', 'sanction_pending', 'objected', 'sanction_due',
           'illegality_insisted', 'before_tribunal', 'tribunal_reconsideration', 'archived', 'sanctioned', 'published', 'in_force')
_NEW = ('project_archived',)


def _check(states) -> str:
    return "state IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE[:10] + _NEW + _BEFORE[10:]))


def downgrade():
    op.execute("UPDATE plans SET state = 'in_debate' WHERE state = 'project_archived'")
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE))
