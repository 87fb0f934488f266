"""issue 13: the executive's title per entity; PPI versions marked as filed, amended or adopted

Revision ID: 0013_case_file
Revises: 0012_evidence_integrity
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013_case_file'
down_revision = '0012_evidence_integrity'
branch_labels = None
depends_on = None

TITLES = ('alcalde', 'alcaldesa', 'gobernador', 'gobernadora')
STAGES = ('filed', 'amendment', 'adopted')


def _in(column, values):
    return f"{column} IS NULL OR {column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('executive_title', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(op.f('ck_entities_executive_title'), _in('executive_title', TITLES))
    with op.batch_alter_table('ppi_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('amendment_subject', sa.String(length=60), nullable=True))
        batch_op.create_check_constraint(op.f('ck_ppi_versions_stage'), _in('stage', STAGES))


def downgrade():
    with op.batch_alter_table('ppi_versions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ppi_versions_stage'), type_='check')
        batch_op.drop_column('amendment_subject')
        batch_op.drop_column('stage')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entities_executive_title'), type_='check')
        batch_op.drop_column('executive_title')
