"""put into service: regimes as data, account links, server-side sessions, period openings, onboarding batches

Revision ID: 0011_accounts
Revises: 0007_proposal_notices
Create Date: 2026-11-29 16:30:00

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0011_accounts'
down_revision = '0007_proposal_notices'
branch_labels = None
depends_on = None

# Decreto 683 de 2020 (legal-path.md §c), as state_machines.approval.regimes.D683_2020 describes it: copied here, not
# imported, so this migration keeps meaning what it meant when it was written.
D683_ARTICLES = [
    {"key": "art1", "label": "Art. 1: radicar hasta el 15 de junio de 2020 el plan no presentado a tiempo"},
    {"key": "art2", "label": "Art. 2: modificar hasta el 15 de junio de 2020 el plan radicado a más tardar el 30 de abril"},
]
D683_RULES = {
    "filing": {"on": "2020-06-15", "legal_basis": "D683 art. 1", "enabled_by": ["art1"],
               "what": "los planes no presentados a tiempo"},
    "modifications": {"on": "2020-06-15", "legal_basis": "D683 art. 2", "enabled_by": ["art2"],
                      "what": "el plan radicado a más tardar el 30 de abril de 2020"},
    "decision": {"on": "2020-07-15", "legal_basis": "D683 art. 3", "enabled_by": ["art1", "art2"], "what": ""},
    "piscc_months": 1,
    "piscc_basis": "D683 art. 4",
}


def upgrade():
    regimes = op.create_table('regimes',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('norm', sa.String(length=40), nullable=False),
    sa.Column('period_start_on', sa.Date(), nullable=True),
    sa.Column('articles', sa.JSON(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regimes'))
    )
    op.bulk_insert(regimes, [
        {"code": "ordinary", "name": "Régimen ordinario (Ley 152 de 1994)", "norm": "L152", "period_start_on": None,
         "articles": [], "rules": {}},
        {"code": "d683_2020", "name": "Decreto 683 de 2020", "norm": "D683",
         "period_start_on": date(2020, 1, 1),
         "articles": D683_ARTICLES, "rules": D683_RULES},
    ])
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plans_regime'), type_='check')
        batch_op.create_foreign_key(op.f('fk_plans_regime_regimes'), 'regimes', ['regime'], ['code'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sessions_valid_after', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_lead', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('invitation', 'reset')", name=op.f('ck_account_tokens_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_account_tokens_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens'))
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_tokens_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_token_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_deliveries_account_token_id_account_tokens'), 'account_tokens',
                                    ['account_token_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_deliveries_account_token_id'), ['account_token_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id_sha256', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id_sha256', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('period_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_period_openings_status')),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_period_openings_period_id_periods')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_period_openings_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_openings'))
    )
    with op.batch_alter_table('period_openings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_openings_period_id'), ['period_id'], unique=False)

    op.create_table('rate_limit_hits',
    sa.Column('bucket_key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('bucket_key', name=op.f('pk_rate_limit_hits'))
    )
    with op.batch_alter_table('rate_limit_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_hits_expires_at'), ['expires_at'], unique=False)

    op.create_table('onboarding_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_count', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_onboarding_batches_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_onboarding_batches'))
    )


def downgrade():
    op.drop_table('onboarding_batches')
    with op.batch_alter_table('rate_limit_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_hits_expires_at'))
    op.drop_table('rate_limit_hits')
    with op.batch_alter_table('period_openings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_openings_period_id'))
    op.drop_table('period_openings')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_account_token_id'))
        batch_op.drop_constraint(op.f('fk_deliveries_account_token_id_account_tokens'), type_='foreignkey')
        batch_op.drop_column('account_token_id')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tokens_user_id'))
    op.drop_table('account_tokens')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('is_lead')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('sessions_valid_after')
    # Plans under a regime added after this migration go back to the ordinary one: the old CHECK knows no other.
    op.execute("UPDATE plans SET regime = 'ordinary', d683_articles = '[]' "
               "WHERE regime NOT IN ('ordinary', 'd683_2020')")
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_plans_regime_regimes'), type_='foreignkey')
        batch_op.create_check_constraint(op.f('ck_plans_regime'), "regime IN ('ordinary', 'd683_2020')")
    op.drop_table('regimes')
