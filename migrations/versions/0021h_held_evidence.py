"""the PDF of an act's form that came back with an error, held for the next send (weak connections)

Revision ID: 0021h_held_evidence
Revises: 0020d_project_archived
Create Date: 2026-12-06 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0021h_held_evidence'
down_revision = '0020d_project_archived'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_evidence',
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('act', sa.String(length=200), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_held_evidence_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_held_evidence_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_sha256', name=op.f('pk_held_evidence')),
    )
    op.create_index(op.f('ix_held_evidence_user_id'), 'held_evidence', ['user_id'])
    op.create_index(op.f('ix_held_evidence_held_at'), 'held_evidence', ['held_at'])


def downgrade():
    op.drop_index(op.f('ix_held_evidence_held_at'), table_name='held_evidence')
    op.drop_index(op.f('ix_held_evidence_user_id'), table_name='held_evidence')
    op.drop_table('held_evidence')
