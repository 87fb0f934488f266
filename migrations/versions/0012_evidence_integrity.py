"""evidence stores, document versions, keyed history, signed checkpoints, access log

Revision ID: 0012_evidence_integrity
Revises: 0014_official_names
Create Date: 2026-11-22 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0012_evidence_integrity'
down_revision = '0014_official_names'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("access_log", "history_checkpoints", "history_anchors")
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION pdt_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'La tabla % es de solo adición: no se puede modificar ni borrar (%).', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('store', sa.String(length=10), server_default='local', nullable=False))
        batch_op.add_column(sa.Column('supersedes_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_documents_supersedes_id'), ['supersedes_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_documents_supersedes_id_documents'), 'documents',
                                    ['supersedes_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_documents_store'), "store IN ('local', 'postgres')")

    op.create_table(
        'document_chunks',
        sa.Column('storage_name', sa.String(length=80), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['storage_name'], ['documents.storage_name'],
                                name=op.f('fk_document_chunks_storage_name_documents')),
        sa.PrimaryKeyConstraint('storage_name', 'seq', name=op.f('pk_document_chunks')),
    )

    with op.batch_alter_table('plan_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('row_mac', sa.String(length=64), nullable=True))

    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=True),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=255), nullable=False),
        sa.Column('remote_addr', sa.String(length=64), nullable=True),
        sa.CheckConstraint("action IN ('document', 'history_export', 'board_export')",
                           name=op.f('ck_access_log_action')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_access_log_user_id_users')),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_access_log_entity_id_entities')),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_access_log_plan_id_plans')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_access_log_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log')),
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_entity_id'), ['entity_id'], unique=False)

    op.create_table(
        'history_anchors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.Column('head', sa.String(length=64), nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_history_anchors_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_history_anchors')),
        sa.UniqueConstraint('plan_id', name=op.f('uq_history_anchors_plan_id')),
    )
    op.create_table(
        'history_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('key_id', sa.String(length=64), nullable=False),
        sa.Column('plans', sa.Integer(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('signature', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_history_checkpoints')),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION pdt_append_only()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pdt_append_only()")
    op.drop_table('history_checkpoints')
    op.drop_table('history_anchors')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_entity_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_occurred_at'))
    op.drop_table('access_log')
    with op.batch_alter_table('plan_events', schema=None) as batch_op:
        batch_op.drop_column('row_mac')
    op.drop_table('document_chunks')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_documents_store'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_documents_supersedes_id_documents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_documents_supersedes_id'))
        batch_op.drop_column('correction_reason')
        batch_op.drop_column('supersedes_id')
        batch_op.drop_column('store')
