"""issue 21 (Phase II): roles hacienda and consejo de gobierno, the Phase II procedures, each entity's budget statute,
the Phase II hitos (hitos-fase2.csv) and their manual checks

Revision ID: 0019p_phase2
Revises: (chained on merge)
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019p_phase2'
down_revision = '0019l_sanction_states'
branch_labels = None
depends_on = None

# Frozen here on purpose (the model's lists may grow later).
OLD_ROLES = ('ejecutivo', 'planeacion', 'equipo', 'ctp', 'car', 'corporacion', 'asesor', 'admin')
NEW_ROLES = OLD_ROLES + ('hacienda', 'consejo_de_gobierno')
OLD_MACHINES = ('car_review', 'ctp_review', 'amendment', 'hearing', 'ctp_formation')
NEW_MACHINES = OLD_MACHINES + ('plan_indicativo', 'project_bank', 'harmonization', 'monitoring_system', 'poai',
                               'budget', 'paa', 'action_plans', 'annual_report', 'citizen_report', 'dept_evaluation')


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_memberships_role'), type_='check')
        batch_op.create_check_constraint('role', _in('role', NEW_ROLES))
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_procedures_machine'), type_='check')
        batch_op.create_check_constraint('machine', _in('machine', NEW_MACHINES))
    op.create_table(
        'budget_statutes',
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('act', sa.String(length=255), nullable=False, server_default=''),
        sa.Column('filing_business_days', sa.Integer(), nullable=False, server_default='10'),
        sa.Column('decision_extension_days', sa.Integer(), nullable=False, server_default='10'),
        sa.Column('copies_d111_art59', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('harmonization_by_decree', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column('pi_approval_months', sa.Integer(), nullable=False, server_default='2'),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('filing_business_days BETWEEN 1 AND 60', name=op.f('ck_budget_statutes_filing_days')),
        sa.CheckConstraint('decision_extension_days BETWEEN 0 AND 30',
                           name=op.f('ck_budget_statutes_extension_days')),
        sa.CheckConstraint('pi_approval_months BETWEEN 1 AND 12', name=op.f('ck_budget_statutes_pi_months')),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_budget_statutes_entity_id_entities')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_budget_statutes_updated_by_id_users')),
        sa.PrimaryKeyConstraint('entity_id', name=op.f('pk_budget_statutes')),
    )
    op.create_table(
        'phase2_milestones',
        sa.Column('hito', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('phase', sa.Integer(), nullable=False),
        sa.Column('phase_name', sa.String(length=255), nullable=False),
        sa.Column('phase_weight', sa.Float(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('weight_in_phase', sa.Float(), nullable=False),
        sa.Column('weight_total', sa.Float(), nullable=False),
        sa.Column('source_of_truth', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('hito', name=op.f('pk_phase2_milestones')),
    )
    op.create_table(
        'phase2_milestone_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('hito', sa.Integer(), nullable=False),
        sa.Column('is_done', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_phase2_milestone_checks_plan_id_plans')),
        sa.ForeignKeyConstraint(['hito'], ['phase2_milestones.hito'],
                                name=op.f('fk_phase2_milestone_checks_hito_phase2_milestones')),
        sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'],
                                name=op.f('fk_phase2_milestone_checks_checked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phase2_milestone_checks')),
    )
    op.create_index(op.f('ix_phase2_milestone_checks_plan_id'), 'phase2_milestone_checks', ['plan_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_phase2_milestone_checks_plan_id'), table_name='phase2_milestone_checks')
    op.drop_table('phase2_milestone_checks')
    op.drop_table('phase2_milestones')
    op.drop_table('budget_statutes')
    op.execute("DELETE FROM procedures WHERE machine NOT IN (" + ", ".join(f"'{m}'" for m in OLD_MACHINES) + ")")
    op.execute("DELETE FROM memberships WHERE role IN ('hacienda', 'consejo_de_gobierno')")
    with op.batch_alter_table('procedures', schema=None) as batch_op:
        batch_op.drop_constraint('machine', type_='check')
        batch_op.create_check_constraint('machine', _in('machine', OLD_MACHINES))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', _in('role', OLD_ROLES))
