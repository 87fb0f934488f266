"""issue 20 (last stretch): the states of the sanction-objection-publication sub-route in the plans' state check

Revision ID: 0019l_sanction_states
Revises: (chained on merge)
Create Date: 2026-12-06 03:00:00

"""
from alembic import op

revision = '0019l_sanction_states'
down_revision = '0019w_withheld'
branch_labels = None
depends_on = None

# The legal states as of this revision (state_machines/approval/pdt.py PDT_STATES), frozen here on purpose.
_BEFORE = ('elected', 'in_office', 'drafting', 'submitted_to_consejo_de_gobierno', 'consolidated', 'submitted_to_ctp',
           'ctp_stage_closed', 'adjusting', 'filed_with_corporacion', 'in_debate', 'approved_by_corporacion',
           'decree_eligible', 'adopted_by_decree', 'sanction_pending', 'objected', 'sanctioned', 'published',
           'in_force')
# L136 arts. 79-80; L2200 arts. 100-101: rejected objections, the Tribunal, the archive.
_NEW = ('sanction_due', 'illegality_insisted', 'before_tribunal', 'archived')


def _check(states) -> str:
    return "state IN (" + ", ".join(f"'{s}'" for s in states) + ")"


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE[:15] + _NEW + _BEFORE[15:]))


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('state', type_='check')
        batch_op.create_check_constraint('state', _check(_BEFORE))
