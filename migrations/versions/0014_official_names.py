"""official names and Spanish order: departments.sort_key, entities.sort_key; names rewritten as DANE writes them

Revision ID: 0014_official_names
Revises: 0011_accounts
Create Date: 2026-11-25 10:00:00

"""
import sqlalchemy as sa
from alembic import op

from workflow_app.reference_data.names import official_name, sort_key

revision = '0014_official_names'
down_revision = '0011_accounts'
branch_labels = None
depends_on = None

TABLES = (('departments', 'code'), ('entities', 'id'))


def _key_type():
    return sa.String(160, collation='C').with_variant(sa.String(160), 'sqlite')


def upgrade():
    for table, _ in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sort_key', _key_type(), nullable=False, server_default=''))
            batch_op.create_index(batch_op.f(f'ix_{table}_sort_key'), ['sort_key'], unique=False)
    connection = op.get_bind()
    for table, pk in TABLES:
        rows = connection.execute(sa.text(f'SELECT {pk}, name FROM {table}')).all()
        for key, name in rows:
            connection.execute(sa.text(f'UPDATE {table} SET name = :name, sort_key = :sort_key WHERE {pk} = :key'),
                               {'name': official_name(name), 'sort_key': sort_key(name), 'key': key})


def downgrade():
    for table, _ in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_sort_key'))
            batch_op.drop_column('sort_key')
