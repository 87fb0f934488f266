"""issue 15: one summary row per plan for the board (procedures, main-route history, hito marks), kept by each act;
a copy of each person's memberships on the users row for the sign-in loader, with a version that every change moves

Revision ID: 0017_plan_summaries
Revises: 0016_act_round_trips
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_plan_summaries'
down_revision = '0016_act_round_trips'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_summaries',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('procedures', sa.Text(), nullable=False),
        sa.Column('events', sa.Text(), nullable=False),
        sa.Column('marks', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_summaries_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plan_summaries')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memberships_cache', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('memberships_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('memberships_version')
        batch_op.drop_column('memberships_cache')
    op.drop_table('plan_summaries')
