"""the corporation's recorded sessions in each plan's calendar facts: the extensions of its ordinary periods
(event_dates "session_extensions") and the extraordinary sessions convoked for the plan ("session_convocations"), so
L136 art. 78's week to convoke a Concejo in recess, and the corporation's month, read them

Revision ID: 0022e_session_extension_facts
Revises: 0021h_held_evidence
Create Date: 2026-12-07 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022e_session_extension_facts'
down_revision = '0021h_held_evidence'
branch_labels = None
depends_on = None

plans = sa.table('plans', sa.column('id', sa.Integer), sa.column('event_dates', sa.JSON),
                 sa.column('version', sa.Integer), sa.column('updated_at', sa.DateTime(timezone=True)))
sessions = sa.table('corporation_sessions', sa.column('plan_id', sa.Integer), sa.column('kind', sa.String),
                    sa.column('starts_on', sa.Date), sa.column('ends_on', sa.Date), sa.column('id', sa.Integer),
                    sa.column('covers_plan', sa.Boolean), sa.column('for_objections', sa.Boolean))
KEYS = {'extension': 'session_extensions', 'convocation': 'session_convocations'}


def _rewrite(windows_of) -> None:
    """Each plan's event_dates with its extensions' windows (``windows_of(plan_id, dates)``), its version moved so
    that no copy kept by version (the board's summary, a page) outlives the change."""
    conn = op.get_bind()
    for plan_id, dates in conn.execute(sa.select(plans.c.id, plans.c.event_dates)).all():
        dates = dict(dates or {})
        new = windows_of(plan_id, dates)
        if new == dates:
            continue
        conn.execute(plans.update().where(plans.c.id == plan_id).values(
            event_dates=new, version=plans.c.version + 1, updated_at=sa.func.now()))


def upgrade():
    """Every extension, and every convocation whose purpose names the plan or its objections (what the act now
    writes), in the order recorded."""
    conn = op.get_bind()
    recorded: dict[int, dict[str, list]] = {}
    for plan_id, kind, first, last, covers, objections in conn.execute(
            sa.select(sessions.c.plan_id, sessions.c.kind, sessions.c.starts_on, sessions.c.ends_on,
                      sessions.c.covers_plan, sessions.c.for_objections)
            .where(sessions.c.plan_id.is_not(None)).order_by(sessions.c.id)):
        if kind == 'convocation' and not (covers or objections):
            continue
        recorded.setdefault(plan_id, {}).setdefault(KEYS[kind], []).append([first.isoformat(), last.isoformat()])
    _rewrite(lambda plan_id, dates: {**dates, **recorded.get(plan_id, {})})


def downgrade():
    _rewrite(lambda plan_id, dates: {k: v for k, v in dates.items() if k not in KEYS.values()})
