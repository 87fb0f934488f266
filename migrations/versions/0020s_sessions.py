"""issue 20 (sessions as data): the corporation's recorded extensions of an ordinary period (L136 art. 23 par. 1)
and the executive's convocations to extraordinary sessions (L136 art. 23 par. 2; L2200 art. 23; DL1421 art. 10)

Revision ID: 0020s_sessions
Revises: 0019m_monitoreo360
Create Date: 2026-12-06 06:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020s_sessions'
down_revision = '0019m_monitoreo360'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'corporation_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('covers_plan', sa.Boolean(), nullable=False),
        sa.Column('for_objections', sa.Boolean(), nullable=False),
        sa.Column('recorded_on', sa.Date(), nullable=False),
        sa.Column('reference', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('extension', 'convocation')", name=op.f('ck_corporation_sessions_kind')),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_corporation_sessions_window')),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_corporation_sessions_entity_id_entities')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_corporation_sessions_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corporation_sessions')),
    )
    op.create_index(op.f('ix_corporation_sessions_entity_id'), 'corporation_sessions', ['entity_id'])


def downgrade():
    op.drop_index(op.f('ix_corporation_sessions_entity_id'), table_name='corporation_sessions')
    op.drop_table('corporation_sessions')
