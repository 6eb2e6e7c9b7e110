"""A small OpenID Connect provider for the tests (Keycloak cannot run here: no Docker engine).

It serves discovery, the authorization endpoint (it approves at once, as the person the test chose), the
token endpoint (authorization code with PKCE S256, client secret by HTTP Basic), JWKS, userinfo and the
end-session endpoint, on a real port (werkzeug). Tokens are RS256 JWTs signed with a key made per run; the
access token carries the platform's claims (``iss``/``aud`` as the services check them, ``role``) next to
Keycloak's ``realm_access.roles``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, abort, jsonify, redirect, request
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server


class OidcProvider:
    def __init__(self, client_id: str, client_secret: str | None, access_audience: str, access_issuer: str):
        """``client_secret`` None: a public client, which only PKCE authenticates (as Keycloak's realm has it)."""
        self.client_id, self.client_secret = client_id, client_secret
        self.access_audience, self.access_issuer = access_audience, access_issuer
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.person: dict = {}
        self.codes: dict[str, dict] = {}
        self.issued_access_tokens: list[str] = []
        self.app = self._build()
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return self.url

    def public_key_pem(self) -> str:
        return (
            self.key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def start(self) -> OidcProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def _sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def _build(self) -> Flask:
        app = Flask("oidc-provider")
        provider = self

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=provider.issuer,
                authorization_endpoint=f"{provider.url}/authorize",
                token_endpoint=f"{provider.url}/token",
                jwks_uri=f"{provider.url}/jwks",
                userinfo_endpoint=f"{provider.url}/userinfo",
                end_session_endpoint=f"{provider.url}/logout",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic"],
            )

        @app.get("/jwks")
        def jwks():
            key = RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
            return jsonify(keys=[{**key, "kid": provider.kid, "use": "sig", "alg": "RS256"}])

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != provider.client_id or args.get("response_type") != "code":
                abort(400)
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400)  # PKCE is required
            code = secrets.token_urlsafe(16)
            provider.codes[code] = {
                "redirect_uri": args["redirect_uri"],
                "nonce": args.get("nonce"),
                "challenge": args["code_challenge"],
                "person": dict(provider.person),
            }
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args.get('state', '')})}")

        @app.post("/token")
        def token():
            auth = request.authorization
            if provider.client_secret is None:
                if auth is not None or request.form.get("client_id") != provider.client_id:
                    return jsonify(error="invalid_client"), 401
            elif auth is None or (auth.username, auth.password) != (provider.client_id, provider.client_secret):
                return jsonify(error="invalid_client"), 401
            grant = provider.codes.pop(request.form.get("code", ""), None)
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            verifier = request.form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant["challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
            now = int(time.time())
            person = grant["person"]
            access = provider._sign(
                {
                    **person,
                    "iss": provider.access_issuer,
                    "aud": provider.access_audience,
                    "iat": now,
                    "exp": now + 300,
                }
            )
            provider.issued_access_tokens.append(access)
            identity = provider._sign(
                {
                    **person,
                    "iss": provider.issuer,
                    "aud": provider.client_id,
                    "nonce": grant["nonce"],
                    "iat": now,
                    "exp": now + 300,
                }
            )
            return jsonify(access_token=access, id_token=identity, token_type="Bearer", expires_in=300)

        @app.get("/userinfo")
        def userinfo():
            header = request.headers.get("Authorization", "")
            if header.removeprefix("Bearer ") not in provider.issued_access_tokens:
                return jsonify(error="invalid_token"), 401
            claims = jwt.decode(header.removeprefix("Bearer "), options={"verify_signature": False})
            return jsonify({key: claims[key] for key in ("sub", "email", "name", "locale", "org") if key in claims})

        @app.get("/logout")
        def logout():
            return redirect(request.args["post_logout_redirect_uri"])

        return app
