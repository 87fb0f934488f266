"""issue 15: one summary row per plan for the board (procedures, main-route history, hito marks), kept by each act

Revision ID: 0017_plan_summaries
Revises: 0013_case_file
Create Date: 2026-12-02 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_plan_summaries'
down_revision = '0013_case_file'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_summaries',
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('plan_version', sa.Integer(), nullable=False),
        sa.Column('material', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_summaries_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plan_summaries')),
    )


def downgrade():
    op.drop_table('plan_summaries')
