"""issue 21 (Monitoreo 360): the monthly survey's answers (one per entity and month), the Lista de Chequeo reviews,
the fortnightly SETA cuts, the advisers' activity reports; the role 'coordinador' and the notice kind 'survey'

Revision ID: 0019m_monitoreo360
Revises: (chained on merge)
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019m_monitoreo360'
down_revision = '0019p_phase2'
branch_labels = None
depends_on = None

OLD_KINDS = ('reminder', 'due_today', 'overdue', 'escalation', 'effect', 'transition', 'proposal')
NEW_KINDS = OLD_KINDS + ('survey',)
OLD_ROLES = ('ejecutivo', 'planeacion', 'equipo', 'ctp', 'car', 'corporacion', 'asesor', 'admin', 'hacienda',
             'consejo_de_gobierno')  # 0019p_phase2 added the last two
NEW_ROLES = OLD_ROLES + ('coordinador',)
ASPECTS = ('objectives', 'usability', 'pertinence', 'quality', 'added_value')


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notifications_kind'), _in('kind', NEW_KINDS))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_memberships_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_memberships_role'), _in('role', NEW_ROLES))

    op.create_table(
        'survey_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('respondent_id', sa.Integer(), nullable=True),
        sa.Column('respondent_level', sa.String(length=20), nullable=True),
        *(sa.Column(a, sa.Integer(), nullable=True) for a in ASPECTS),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("respondent_level IS NULL OR " + _in('respondent_level',
                                                                ('directivo', 'profesional', 'tecnico', 'contratista')),
                           name=op.f('ck_survey_responses_respondent_level')),
        *(sa.CheckConstraint(f"{a} IS NULL OR ({a} BETWEEN 1 AND 5)", name=op.f(f'ck_survey_responses_{a}_1_5'))
          for a in ASPECTS),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_survey_responses_entity_id_entities')),
        sa.ForeignKeyConstraint(['respondent_id'], ['users.id'], name=op.f('fk_survey_responses_respondent_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
        sa.UniqueConstraint('entity_id', 'month', name='entity_month'),
    )
    op.create_index(op.f('ix_survey_responses_entity_id'), 'survey_responses', ['entity_id'])
    op.create_index(op.f('ix_survey_responses_month'), 'survey_responses', ['month'])

    op.create_table(
        'checklist_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('template', sa.String(length=30), nullable=False),
        sa.Column('marks', sa.JSON(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reply', sa.Text(), nullable=True),
        sa.Column('replied_by_id', sa.Integer(), nullable=True),
        sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_checklist_reviews_plan_id_plans')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_checklist_reviews_reviewer_id_users')),
        sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'],
                                name=op.f('fk_checklist_reviews_replied_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_reviews')),
    )
    op.create_index(op.f('ix_checklist_reviews_plan_id'), 'checklist_reviews', ['plan_id'])

    op.create_table(
        'seta_cuts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cut_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('scheduled', 'manual')", name=op.f('ck_seta_cuts_kind')),
        sa.ForeignKeyConstraint(['taken_by_id'], ['users.id'], name=op.f('fk_seta_cuts_taken_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seta_cuts')),
        sa.UniqueConstraint('cut_on', name=op.f('uq_seta_cuts_cut_on')),
    )
    op.create_table(
        'seta_cut_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cut_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Float(), nullable=False),
        sa.Column('done', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['cut_id'], ['seta_cuts.id'], name=op.f('fk_seta_cut_rows_cut_id_seta_cuts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_seta_cut_rows_plan_id_plans')),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_seta_cut_rows_entity_id_entities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seta_cut_rows')),
        sa.UniqueConstraint('cut_id', 'plan_id', name='cut_plan'),
    )
    op.create_index(op.f('ix_seta_cut_rows_cut_id'), 'seta_cut_rows', ['cut_id'])
    op.create_index(op.f('ix_seta_cut_rows_plan_id'), 'seta_cut_rows', ['plan_id'])

    op.create_table(
        'activity_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('submitted_on', sa.Date(), nullable=False),
        sa.Column('trainings', sa.Integer(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('coordinator_rating', sa.Integer(), nullable=True),
        sa.Column('rated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("coordinator_rating IS NULL OR (coordinator_rating BETWEEN 1 AND 5)",
                           name=op.f('ck_activity_reports_coordinator_rating_1_5')),
        sa.CheckConstraint("trainings >= 0", name=op.f('ck_activity_reports_trainings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_reports_user_id_users')),
        sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'], name=op.f('fk_activity_reports_rated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_reports')),
        sa.UniqueConstraint('user_id', 'month', name='user_month'),
    )
    op.create_index(op.f('ix_activity_reports_user_id'), 'activity_reports', ['user_id'])
    op.create_index(op.f('ix_activity_reports_month'), 'activity_reports', ['month'])
    op.create_table(
        'activity_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('mode', sa.String(length=12), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('has_evidence', sa.Boolean(), nullable=False),
        sa.Column('seta_loaded_on', sa.Date(), nullable=True),
        sa.Column('agreements', sa.Text(), nullable=False),
        sa.CheckConstraint("mode IN ('presencial', 'virtual')", name=op.f('ck_activity_visits_mode')),
        sa.ForeignKeyConstraint(['report_id'], ['activity_reports.id'],
                                name=op.f('fk_activity_visits_report_id_activity_reports'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_activity_visits_entity_id_entities')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_visits')),
    )
    op.create_index(op.f('ix_activity_visits_report_id'), 'activity_visits', ['report_id'])


def downgrade():
    op.drop_table('activity_visits')
    op.drop_table('activity_reports')
    op.drop_table('seta_cut_rows')
    op.drop_table('seta_cuts')
    op.drop_table('checklist_reviews')
    op.drop_table('survey_responses')
    op.execute("DELETE FROM memberships WHERE role = 'coordinador'")
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_memberships_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_memberships_role'), _in('role', OLD_ROLES))
    op.execute("DELETE FROM deliveries WHERE notification_id IN (SELECT id FROM notifications WHERE kind = 'survey')")
    op.execute("DELETE FROM notifications WHERE kind = 'survey'")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_notifications_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_notifications_kind'), _in('kind', OLD_KINDS))
