"""Redis down: the app keeps serving and recording; notices wait in the outbox (status pending)."""
import io
import re
import socket

from sqlalchemy import select

from tests.workflow_app.helpers import csrf_from, login
from tests.workflow_app.story import PDF
from workflow_app.app import create_app
from workflow_app.models import Delivery, Entity, Plan
from workflow_app.services.cycle.demo import ensure_demo_data


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on exit: nothing listens there


def test_with_redis_unreachable_signing_in_and_acting_still_work(app, db_session, set_today):
    set_today("2028-03-10")
    accounts = {a.email.split("@")[0]: a for a in ensure_demo_data()}
    down = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                      REDIS_URL=f"redis://127.0.0.1:{_dead_port()}/0", UPLOAD_DIR=app.config["UPLOAD_DIR"])
    down.extensions["clock"].simulated_today = app.extensions["clock"].simulated_today
    down.test_client_class = app.test_client_class
    client = down.test_client()
    ctp = accounts["ctp.genova"]
    assert login(client, ctp.email, ctp.password).status_code == 302
    genova = db_session.scalar(select(Plan).join(Entity).where(Entity.dane_code == "63302"))
    url = f"/planes/{genova.id}/actos/pdt_approval/-/record_ctp_concept"
    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', html).group(1)
    response = client.post(url, data={
        "csrf_token": csrf_from(html), "expected_version": version, "act_on": "2028-03-09", "concept": "favorable",
        "scope": "total", "evidence": (io.BytesIO(PDF), "concepto.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db_session.refresh(genova)
    assert genova.state == "ctp_stage_closed"
    assert client.get(f"/planes/{genova.id}").status_code == 200
    # Wrong passwords are still limited (in-process fallback) while Redis is away.
    other = down.test_client()
    statuses = [login(other, ctp.email, "mala").status_code for _ in range(6)]
    assert statuses[-1] == 429
    pending = db_session.scalars(select(Delivery).where(Delivery.status.in_(("pending", "digest")))).all()
    assert db_session.scalar(select(Delivery).where(Delivery.status == "sent")) is None
    assert pending  # told people wait in the outbox for the sweep to enqueue them once Redis is back
