"""issue 15: fewer round trips per act: the last route act's date on the plan row, a reference-data version

Revision ID: 0016_act_round_trips
Revises: 0013_case_file
Create Date: 2026-11-29 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_act_round_trips'
down_revision = '0013_case_file'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_route_act_on', sa.Date(), nullable=True))
    # The date of each plan's last act on the route (its latest pdt_approval history row), as apply_act read it.
    op.execute(
        "UPDATE plans SET last_route_act_on = (SELECT e.act_on FROM plan_events e WHERE e.plan_id = plans.id "
        "AND e.machine = 'pdt_approval' ORDER BY e.id DESC LIMIT 1)"
    )
    # Document versions are computed inside their INSERT under a unique (plan, kind, version); a race of the old
    # SELECT-then-INSERT may have left two rows with one number: those groups are numbered again by id.
    conn = op.get_bind()
    groups = conn.execute(sa.text("SELECT DISTINCT plan_id, kind FROM documents GROUP BY plan_id, kind, version "
                                  "HAVING count(*) > 1")).all()
    for plan_id, kind in groups:
        ids = conn.execute(sa.text("SELECT id FROM documents WHERE plan_id = :p AND kind = :k ORDER BY id"),
                           {"p": plan_id, "k": kind}).scalars().all()
        for number, document_id in enumerate(ids, start=1):
            conn.execute(sa.text("UPDATE documents SET version = :v WHERE id = :id"), {"v": number, "id": document_id})
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_documents_plan_kind_version', ['plan_id', 'kind', 'version'])
    op.create_table(
        'reference_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_version')),
    )
    op.execute("INSERT INTO reference_version (id, version) VALUES (1, 1)")


def downgrade():
    op.drop_table('reference_version')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint('uq_documents_plan_kind_version', type_='unique')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('last_route_act_on')
