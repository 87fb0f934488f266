"""issue 19 (insiders): the people log (invitations, roles, deactivations), the head of each plan's history anchored
at every act, TRUNCATE refused on the append-only tables, a membership change in the database clearing the sign-in
copy, and API reads in the access log

Revision ID: 0018i_insiders
Revises: 0017_plan_summaries
Create Date: 2026-12-06 00:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018i_insiders'
down_revision = '0017_plan_summaries'
branch_labels = None
depends_on = None

# Append-only: rows are legal evidence of who did what. UPDATE and DELETE were refused row by row already (0001,
# 0012); TRUNCATE fires no row trigger, so it gets a statement trigger of its own.
APPEND_ONLY_BEFORE = ("plan_events", "access_log", "history_checkpoints", "history_anchors")
APPEND_ONLY_NEW = ("people_log", "history_heads")
NO_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION pdt_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'La tabla % es de solo adición: no se puede vaciar (TRUNCATE).', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""
# A membership written by any means (a page, a script, psql) drops the sign-in loader's copy of the person's
# memberships and moves its version, in the same transaction: a removed role is gone on the next request.
MEMBERSHIPS_FUNCTION = """
CREATE OR REPLACE FUNCTION pdt_memberships_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE users SET memberships_cache = NULL, memberships_version = memberships_version + 1
         WHERE id = OLD.user_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id <> OLD.user_id) THEN
        UPDATE users SET memberships_cache = NULL, memberships_version = memberships_version + 1
         WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
# Every history row anchors its plan's new head, whoever writes it, with no statement of its own (the act's INSERT
# fires it). On SQLite the service writes the anchor itself (workflow_app/history.py, ``seal``).
ANCHOR_FUNCTION = """
CREATE OR REPLACE FUNCTION pdt_anchor_head() RETURNS trigger AS $$
BEGIN
    IF NEW.row_hash IS NOT NULL THEN
        INSERT INTO history_heads (plan_id, head, created_at) VALUES (NEW.plan_id, NEW.row_hash, NEW.occurred_at);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
PEOPLE_ACTIONS = ('invite', 'grant', 'remove_role', 'deactivate', 'reactivate', 'send_link')
OLD_ACCESS = "action IN ('document', 'history_export', 'board_export')"
NEW_ACCESS = "action IN ('document', 'history_export', 'board_export', 'api_read')"


def upgrade():
    op.create_table(
        'people_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=True),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('authority_code', sa.String(length=30), nullable=True),
        sa.Column('detail', sa.String(length=255), nullable=False),
        sa.CheckConstraint("action IN (" + ", ".join(f"'{a}'" for a in PEOPLE_ACTIONS) + ")",
                           name=op.f('ck_people_log_action')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_people_log_actor_id_users')),
        sa.ForeignKeyConstraint(['target_id'], ['users.id'], name=op.f('fk_people_log_target_id_users')),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_people_log_entity_id_entities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_people_log')),
    )
    with op.batch_alter_table('people_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_log_occurred_at'), ['occurred_at'], unique=False)
    op.create_table(
        'history_heads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('head', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_history_heads_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_history_heads')),
    )
    with op.batch_alter_table('history_heads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_heads_plan_id'), ['plan_id'], unique=False)
    # An instance upgraded with a history anchors each plan's current head now: its tail is pinned from today.
    op.execute("INSERT INTO history_heads (plan_id, head, created_at) SELECT id, history_head, CURRENT_TIMESTAMP "
               "FROM plans WHERE history_head IS NOT NULL")
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_access_log_action'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_access_log_action'), NEW_ACCESS)
    if op.get_bind().dialect.name != "postgresql":
        return  # the trial instance (SQLite): these are PostgreSQL's protections
    op.execute(NO_TRUNCATE_FUNCTION)
    for table in APPEND_ONLY_NEW:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION pdt_append_only()")
    for table in APPEND_ONLY_BEFORE + APPEND_ONLY_NEW:
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION pdt_no_truncate()")
    op.execute(ANCHOR_FUNCTION)
    op.execute("CREATE TRIGGER plan_events_anchor_head AFTER INSERT ON plan_events "
               "FOR EACH ROW EXECUTE FUNCTION pdt_anchor_head()")
    op.execute(MEMBERSHIPS_FUNCTION)
    op.execute("CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON memberships "
               "FOR EACH ROW EXECUTE FUNCTION pdt_memberships_changed()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS memberships_changed ON memberships")
        op.execute("DROP FUNCTION IF EXISTS pdt_memberships_changed()")
        op.execute("DROP TRIGGER IF EXISTS plan_events_anchor_head ON plan_events")
        op.execute("DROP FUNCTION IF EXISTS pdt_anchor_head()")
        for table in APPEND_ONLY_BEFORE + APPEND_ONLY_NEW:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in APPEND_ONLY_NEW:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pdt_no_truncate()")
    if op.get_bind().dialect.name == "postgresql":
        # The log keeps its API reads (append-only): the old constraint is checked on new rows only.
        op.execute("ALTER TABLE access_log DROP CONSTRAINT ck_access_log_action")
        op.execute(f"ALTER TABLE access_log ADD CONSTRAINT ck_access_log_action CHECK ({OLD_ACCESS}) NOT VALID")
    else:
        op.execute("DELETE FROM access_log WHERE action = 'api_read'")
        with op.batch_alter_table('access_log', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('ck_access_log_action'), type_='check')
            batch_op.create_check_constraint(batch_op.f('ck_access_log_action'), OLD_ACCESS)
    with op.batch_alter_table('history_heads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_history_heads_plan_id'))
    op.drop_table('history_heads')
    with op.batch_alter_table('people_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_log_occurred_at'))
    op.drop_table('people_log')
