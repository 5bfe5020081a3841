"""`farm keys rotate`: every secret re-encrypted under a new key while the controller runs."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from controller.app import create_app
from controller.config import Settings
from controller.keyrotation import retire_old_keys, rotate_keys
from controller.keys import create_api_key
from controller.models import Account, Webhook
from controller.security import SecretBox, key_file_path, read_key_file


def _secrets(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return [
            a.password_enc for a in session.exec(select(Account).order_by(Account.id)).all()
        ] + [w.secret_enc for w in session.exec(select(Webhook).order_by(Webhook.id)).all()]


def test_rotation_with_key_file_needs_no_restart(migrated_database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=migrated_database_url,
        webhook_allowed_hosts=["127.0.0.1"],  # the subscription below is on loopback
    )
    app = create_app(settings, run_scheduler=False)
    with TestClient(app) as client:
        engine = app.state.engine
        ops = {"Authorization": f"Bearer {create_api_key(engine, 'ops', 'ops')}"}
        client.put("/v1/devices/sim-01", json={"serial": "sim-01"}, headers=ops)
        for n in range(3):
            r = client.post(
                "/v1/accounts",
                json={"username": f"acct{n}", "password": f"pw-{n}", "device": "sim-01"},
                headers=ops,
            )
            assert r.status_code == 201
        hook = client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1:9/x", "events": ["job.failed"]},
            headers=ops,
        ).json()
        hook_secret = hook["secret"]
        before = _secrets(engine)
        old_keys = read_key_file(key_file_path(settings.data_dir))

        result = rotate_keys(
            Settings(data_dir=settings.data_dir, database_url=migrated_database_url), engine
        )
        assert (result.secrets, result.keys) == (4, 2)
        keys = read_key_file(key_file_path(settings.data_dir))
        assert keys[1:] == old_keys and keys[0] not in old_keys
        after = _secrets(engine)
        new_only = SecretBox(keys[:1])
        assert all(a != b for a, b in zip(before, after, strict=True))
        assert [new_only.decrypt(t) for t in after[:3]] == ["pw-0", "pw-1", "pw-2"]
        assert new_only.decrypt(after[3]) == hook_secret

        # the running controller only knew the old key: it reads the file again on its own
        assert app.state.secrets.keys == old_keys
        assert app.state.secrets.decrypt(after[3]) == hook_secret
        assert app.state.secrets.keys == keys
        r = client.post("/v1/accounts/acct0/reauth", json={"password": "pw-new"}, headers=ops)
        assert r.status_code == 200

        assert retire_old_keys(settings, engine) == 1
        assert read_key_file(key_file_path(settings.data_dir)) == keys[:1]
        assert SecretBox(keys[:1]).decrypt(_secrets(engine)[0]) == "pw-new"


def test_env_keys_rotate_under_the_first_and_retire_refuses(
    migrated_database_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app = create_app(
        Settings(data_dir=tmp_path, database_url=migrated_database_url, secret_keys=[old]),
        run_scheduler=False,
    )
    with TestClient(app) as client:
        engine = app.state.engine
        ops = {"Authorization": f"Bearer {create_api_key(engine, 'ops', 'ops')}"}
        client.put("/v1/devices/d1", json={"serial": "d1"}, headers=ops)
        client.post(
            "/v1/accounts", json={"username": "a", "password": "pw", "device": "d1"}, headers=ops
        )
        env = Settings(
            data_dir=tmp_path, database_url=migrated_database_url, secret_keys=[new, old]
        )
        assert rotate_keys(env, engine).secrets == 1
        assert SecretBox([new]).decrypt(_secrets(engine)[0]) == "pw"
        with pytest.raises(ValueError, match="FARM_SECRET_KEYS"):
            retire_old_keys(env, engine)
