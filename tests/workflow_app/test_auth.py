import json

import pytest

from tests.demo_copy import demo_data
from tests.workflow_app.helpers import csrf_from, login
from workflow_app.app import create_app
from workflow_app.services.cycle.demo import DEMO_ACCOUNTS

GENOVA_MAYOR = DEMO_ACCOUNTS[0]


@pytest.fixture
def demo(db_session):
    return demo_data()


def test_every_demo_account_signs_in_and_lands_on_mis_pendientes(client, demo):
    """The administrator, who follows no plan, lands on "Administración" (what their menu lists) instead."""
    for account in demo:
        response = login(client, account.email, account.password)
        assert response.status_code == 302, account.email
        assert response.headers["Location"] == "/"
        inbox = client.get("/", follow_redirects=True)
        assert inbox.status_code == 200
        landing = "Administración" if account.role == "admin" else "Mis pendientes"
        assert inbox.request.path == ("/admin" if account.role == "admin" else "/"), account.email
        assert f"<h1>{landing}</h1>" in inbox.get_data(as_text=True), account.email
        client.post("/logout", data={"csrf_token": csrf_from(inbox.get_data(as_text=True))})


def test_wrong_password_is_refused_in_spanish_without_session(client, demo):
    response = login(client, GENOVA_MAYOR.email, "no-es-la-clave")
    assert response.status_code == 401
    assert "Correo o contraseña incorrectos" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous: redirected to /login


def test_unknown_account_gets_the_same_message_as_a_wrong_password(client, demo):
    response = login(client, "nadie@demo.rutapdt.co", "cualquiera")
    assert response.status_code == 401
    assert "Correo o contraseña incorrectos" in response.get_data(as_text=True)


def test_missing_csrf_token_is_a_spanish_400(client, demo):
    response = client.post("/login", data={"email": GENOVA_MAYOR.email, "password": GENOVA_MAYOR.password})
    assert response.status_code == 400
    assert "código de seguridad (CSRF)" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_fields_are_explained_per_field(client, demo):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "", "password": "", "csrf_token": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Escriba su correo electrónico." in text and "Escriba su contraseña." in text


def test_sixth_attempt_within_a_minute_is_429(client, demo):
    statuses = [login(client, GENOVA_MAYOR.email, "mala").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert "Demasiados intentos" in login(client, GENOVA_MAYOR.email, GENOVA_MAYOR.password).get_data(as_text=True)


def test_guessing_the_current_password_from_an_open_session_is_limited_as_signing_in(client, demo):
    """QA (7 December 2026): 60 guesses of «Contraseña actual» in 6 s from a session left open, then the password
    changed and every other session and token of its owner revoked."""
    login(client, GENOVA_MAYOR.email, GENOVA_MAYOR.password)

    def change(current):
        token = csrf_from(client.get("/cuenta").get_data(as_text=True))
        return client.post("/cuenta", data={"csrf_token": token, "current_password": current,
                                            "password": "Una-frase-nueva-y-larga-2028",
                                            "confirm": "Una-frase-nueva-y-larga-2028"})

    statuses = [change(f"mala{i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    refused = change(GENOVA_MAYOR.password)  # the right one, too late
    assert refused.status_code == 429 and "Demasiados intentos" in refused.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/cuenta").get_data(as_text=True))})
    assert login(client, GENOVA_MAYOR.email, GENOVA_MAYOR.password).status_code == 302  # unchanged


def test_login_rate_limit_is_shared_through_redis(app, db_session, demo, redis_url):
    import redis

    redis_app = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url)
    statuses = [login(redis_app.test_client(), GENOVA_MAYOR.email, "mala").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    keys = sorted(k.decode() for k in redis.Redis.from_url(redis_url).keys("pdt:ratelimit:login:*"))
    # One counter for the account and one for the address, both in Redis (shared by every worker and host).
    assert len(keys) == 2
    assert keys[0].startswith("pdt:ratelimit:login:cuenta:") and keys[1].startswith("pdt:ratelimit:login:ip:127.0.0.1:")


def test_session_cookie_is_httponly_and_samesite(client, demo):
    response = login(client, GENOVA_MAYOR.email, GENOVA_MAYOR.password)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_with_a_slow_hash(db_session, demo, strong_password_hashing):
    from workflow_app.models import User

    user = db_session.query(User).filter_by(email=GENOVA_MAYOR.email).one()
    assert user.password_hash.startswith("scrypt:")  # the suite's accounts: scrypt with a lower work factor
    assert GENOVA_MAYOR.password not in user.password_hash
    user.set_password(GENOVA_MAYOR.password)  # as shipped (strong_password_hashing)
    assert user.password_hash.startswith("scrypt:32768:8:1$")  # werkzeug's work factor
    assert GENOVA_MAYOR.password not in user.password_hash and user.check_password(GENOVA_MAYOR.password)


def test_logout_needs_a_post_with_csrf(client, demo):
    login(client, GENOVA_MAYOR.email, GENOVA_MAYOR.password)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_demo_command_is_idempotent_and_prints_json(app, db_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["pdt", "demo", "--json"])
    second = runner.invoke(args=["pdt", "demo", "--json"])
    assert first.exit_code == 0 and second.exit_code == 0
    accounts = json.loads(second.output)
    assert accounts == json.loads(first.output)
    assert {a["role"] for a in accounts} >= {"ejecutivo", "planeacion", "equipo", "ctp", "car", "corporacion", "asesor", "admin"}
    assert {"role", "email", "password", "entity"} <= set(accounts[0])
    from workflow_app.models import User

    assert db_session.query(User).count() == len(accounts)
