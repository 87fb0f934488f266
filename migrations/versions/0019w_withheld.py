"""issue 18 (words): the reason a document the law makes public was withheld (Ley 1712 de 2014 arts. 18-19)

Revision ID: 0019w_withheld
Revises: 0018i_insiders
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019w_withheld'
down_revision = '0018i_insiders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withheld_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('withheld_reason')
