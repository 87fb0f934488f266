"""notices of citizens' proposals to their moderators: notification kind 'proposal'

Revision ID: 0007_proposal_notices
Revises: 0006_history_chain
Create Date: 2026-11-21 20:50:00

"""
from alembic import op

revision = '0007_proposal_notices'
down_revision = '0006_history_chain'
branch_labels = None
depends_on = None

OLD = ('reminder', 'due_today', 'overdue', 'escalation', 'effect', 'transition')
NEW = OLD + ('proposal',)


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notifications_kind'), _kinds(NEW))


def downgrade():
    op.execute("DELETE FROM deliveries WHERE notification_id IN "
               "(SELECT id FROM notifications WHERE kind = 'proposal')")
    op.execute("DELETE FROM notifications WHERE kind = 'proposal'")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notifications_kind'), _kinds(OLD))
