"""the access log keeps the API reads a personal token was refused (a valid token asking for a plan its account
cannot see), beside the reads it served

Revision ID: 0023a_api_refused
Revises: 0022e_session_extension_facts
Create Date: 2026-12-07 11:00:00

"""
from alembic import op

revision = '0023a_api_refused'
down_revision = '0022e_session_extension_facts'
branch_labels = None
depends_on = None

OLD_ACCESS = "action IN ('document', 'history_export', 'board_export', 'api_read')"
NEW_ACCESS = "action IN ('document', 'history_export', 'board_export', 'api_read', 'api_refused')"


def upgrade():
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_access_log_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_access_log_action'), NEW_ACCESS)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The log is append-only and keeps its refusals: the old constraint is checked on new rows only.
        op.execute("ALTER TABLE access_log DROP CONSTRAINT ck_access_log_action")
        op.execute(f"ALTER TABLE access_log ADD CONSTRAINT ck_access_log_action CHECK ({OLD_ACCESS}) NOT VALID")
    else:
        op.execute("DELETE FROM access_log WHERE action = 'api_refused'")
        with op.batch_alter_table('access_log', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_access_log_action'), type_='check')
            batch_op.create_check_constraint(batch_op.f('ck_access_log_action'), OLD_ACCESS)
