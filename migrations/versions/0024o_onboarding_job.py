"""a large people file is applied by a background job, with its progress on the batch row: status, rows done, the
error of a failed run, who confirmed it and when it finished

Revision ID: 0024o_onboarding_job
Revises: 0023a_api_refused
Create Date: 2026-12-07 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024o_onboarding_job'
down_revision = '0023a_api_refused'
branch_labels = None
depends_on = None

STATUSES = "status IS NULL OR status IN ('queued', 'running', 'done', 'failed')"


def upgrade():
    with op.batch_alter_table('onboarding_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('done', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_onboarding_batches_confirmed_by_id_users'), 'users',
                                    ['confirmed_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_onboarding_batches_status'), STATUSES)
    # A batch applied before this version is done.
    op.execute("UPDATE onboarding_batches SET status = 'done', finished_at = applied_at WHERE applied_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('onboarding_batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_onboarding_batches_status'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_onboarding_batches_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('finished_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('error')
        batch_op.drop_column('done')
        batch_op.drop_column('status')
