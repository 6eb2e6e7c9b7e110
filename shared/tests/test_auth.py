import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from platform_shared.auth import Caller, mint_token
from platform_shared.config import DEV_JWT_SECRET

ROUTE = "/api/v1/demo/agents-only"


def _claims(**changes):
    now = datetime.now(UTC)
    claims = {
        "sub": "alice",
        "role": "agent",
        "iss": "dossier-platform",
        "aud": "dossier-platform",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def _get(client, token):
    return client.get(ROUTE, headers={"Authorization": f"Bearer {token}"})


def _assert_401(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 401


def test_a_valid_agent_token_is_accepted(client):
    response = _get(client, jwt.encode(_claims(), DEV_JWT_SECRET, algorithm="HS256"))
    assert response.status_code == 200
    assert response.get_json() == {"sub": "alice"}


def test_no_token_is_401(client):
    _assert_401(client.get(ROUTE))


def test_a_token_with_a_wrong_signature_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(), "another-secret-of-sufficient-length!!", algorithm="HS256")))


def test_an_unsigned_alg_none_token_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(), None, algorithm="none")))


def test_a_token_for_another_audience_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(aud="another-platform"), DEV_JWT_SECRET, algorithm="HS256")))


def test_a_token_from_another_issuer_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(iss="someone-else"), DEV_JWT_SECRET, algorithm="HS256")))


def test_an_expired_token_is_401(client):
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode(
        _claims(exp=int(past.timestamp()), iat=int((past - timedelta(hours=1)).timestamp())),
        DEV_JWT_SECRET,
        algorithm="HS256",
    )
    response = _get(client, token)
    _assert_401(response)
    assert "expired" in response.get_json()["detail"]


def test_a_token_without_expiry_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(exp=None), DEV_JWT_SECRET, algorithm="HS256")))


@pytest.mark.parametrize("sub", ["", "   "])
def test_a_token_with_an_empty_subject_is_401(client, sub):
    _assert_401(_get(client, jwt.encode(_claims(sub=sub), DEV_JWT_SECRET, algorithm="HS256")))


def test_a_token_with_an_unknown_role_is_401(client):
    _assert_401(_get(client, jwt.encode(_claims(role="superuser"), DEV_JWT_SECRET, algorithm="HS256")))


def test_a_client_token_on_an_agent_only_route_is_403(client):
    response = _get(client, jwt.encode(_claims(role="client"), DEV_JWT_SECRET, algorithm="HS256"))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_admin_is_allowed_wherever_agent_is(client):
    assert _get(client, jwt.encode(_claims(role="admin"), DEV_JWT_SECRET, algorithm="HS256")).status_code == 200


def test_an_event_actor_carries_the_callers_company_when_the_token_has_one():
    member = Caller(sub="claire", role="client", org="acme", email="claire@acme.test", name="Claire")
    assert member.as_actor() == {
        "sub": "claire",
        "role": "client",
        "org": "acme",
        "email": "claire@acme.test",
        "name": "Claire",
    }


def test_an_event_actor_has_no_org_key_when_the_token_has_no_company():
    assert Caller(sub="alice", role="agent").as_actor() == {"sub": "alice", "role": "agent"}


@pytest.fixture
def rsa_keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_rs256_tokens_are_accepted_when_a_public_key_is_configured(make_app, settings, rsa_keys):
    private, public = rsa_keys
    rsa_settings = settings.replace(jwt_public_key=public, jwt_private_key=private)
    client = make_app(rsa_settings).test_client()
    assert _get(client, mint_token(rsa_settings, sub="alice", role="agent")).status_code == 200


def test_with_rs256_configured_an_hs256_token_signed_with_the_public_key_is_401(make_app, settings, rsa_keys):
    """Key confusion: the algorithm is pinned, never taken from the token."""
    private, public = rsa_keys
    client = make_app(settings.replace(jwt_public_key=public)).test_client()

    # PyJWT refuses to sign with a PEM key as an HMAC secret, so forge the HMAC by hand.
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(_claims()).encode())
    signature = b64(hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    forged = f"{header}.{payload}.{signature}"
    _assert_401(_get(client, forged))


# ----- the verified-token cache (issue 18) ---------------------------------------------------------------------
def _verifier(settings):
    from platform_shared.auth import TokenVerifier

    return TokenVerifier(settings)


def test_a_verified_token_is_not_decoded_again_and_gives_the_same_caller(settings, monkeypatch):
    verifier = _verifier(settings)
    token = jwt.encode(_claims(org="acme"), DEV_JWT_SECRET, algorithm="HS256")
    decoded = []
    real_decode = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append(1) or real_decode(*a, **k))
    first = verifier.verify(token)
    assert verifier.verify(token) == first == Caller(sub="alice", role="agent", org="acme")
    assert len(decoded) == 1


def test_a_cached_token_is_refused_once_it_expires(settings):
    import time

    from platform_shared.errors import Unauthenticated

    verifier = _verifier(settings)
    verifier.leeway = 0
    expires = int(time.time()) + 1
    token = jwt.encode(_claims(exp=expires), DEV_JWT_SECRET, algorithm="HS256")
    assert verifier.verify(token).sub == "alice"
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)
    assert token not in verifier._verified


def test_a_token_that_failed_is_never_cached_nor_a_forged_twin_of_a_cached_one(settings, client):
    good = jwt.encode(_claims(), DEV_JWT_SECRET, algorithm="HS256")
    assert _get(client, good).status_code == 200
    header, payload, _signature = good.split(".")
    forged = f"{header}.{payload}.{base64.urlsafe_b64encode(b'x' * 32).decode().rstrip('=')}"
    _assert_401(_get(client, forged))
    _assert_401(_get(client, forged))
    verifier = _verifier(settings)
    with pytest.raises(Exception):  # noqa: B017 (Unauthenticated)
        verifier.verify(forged)
    assert forged not in verifier._verified


def test_the_cache_holds_a_bounded_number_of_tokens(settings):
    verifier = _verifier(settings)
    verifier.CACHE_SIZE = 3
    tokens = [jwt.encode(_claims(sub=f"user-{index}"), DEV_JWT_SECRET, algorithm="HS256") for index in range(5)]
    for token in tokens:
        verifier.verify(token)
    assert list(verifier._verified) == tokens[2:]
    assert verifier.verify(tokens[0]).sub == "user-0"  # verified again, not refused
