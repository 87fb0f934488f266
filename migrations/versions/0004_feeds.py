"""iCalendar feed tokens for users and plans; deliveries grouped into a daily digest

Revision ID: 0004_feeds
Revises: 0003_procedures
Create Date: 2026-11-21 16:02:12.018402

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_feeds'
down_revision = '0003_procedures'
branch_labels = None
depends_on = None

# Delivery statuses as of this revision (workflow_app/models.py DELIVERY_STATUSES), frozen here on purpose.
STATUS_CHECK = "status IN ('pending', 'sending', 'sent', 'failed', 'digest', 'digested')"
OLD_STATUS_CHECK = "status IN ('pending', 'sending', 'sent', 'failed', 'digest')"


def _fill_tokens(table: str) -> None:
    """Existing rows get their own secret now; new rows get one from the model default."""
    conn = op.get_bind()
    ids = conn.execute(sa.text(f"SELECT id FROM {table} WHERE ical_token IS NULL")).scalars().all()
    for row_id in ids:
        conn.execute(sa.text(f"UPDATE {table} SET ical_token = :t WHERE id = :id"),
                     {"t": secrets.token_urlsafe(24), "id": row_id})


def upgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_deliveries_digest_id'), ['digest_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_digest_id_deliveries'), 'deliveries', ['digest_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_deliveries_status'), type_='check')
        batch_op.create_check_constraint('status', STATUS_CHECK)

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ical_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_plans_ical_token'), ['ical_token'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ical_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_ical_token'), ['ical_token'])

    _fill_tokens('plans')
    _fill_tokens('users')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_ical_token'), type_='unique')
        batch_op.drop_column('ical_token')

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_plans_ical_token'), type_='unique')
        batch_op.drop_column('ical_token')

    op.execute("UPDATE deliveries SET status = 'sent' WHERE status = 'digested'")
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint('status', type_='check')
        batch_op.create_check_constraint('status', OLD_STATUS_CHECK)
        batch_op.drop_constraint(batch_op.f('fk_deliveries_digest_id_deliveries'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliveries_digest_id'))
        batch_op.drop_column('digest_id')
