"""The baselines of the read benchmark, run under gunicorn with the deploy config like the services.

``hello()``: a bare Flask app answering a constant JSON. ``one_row()``: a bare Flask + SQLAlchemy app reading
one dossier row by primary key from the same PostgreSQL database (``BARE_DATABASE_URL``) and answering it as
JSON, with SQLAlchemy's defaults (a connection pool, no pre-ping). No auth, no logs, no metrics.
"""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify


def hello() -> Flask:
    app = Flask("bare_hello")

    @app.get("/hello/<ident>")
    def greet(ident):
        return jsonify(hello=ident)

    return app


def one_row() -> Flask:
    from sqlalchemy import create_engine, text

    url = os.environ["BARE_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, pool_size=5, max_overflow=10)
    query = text("select * from dossiers where id = :id")
    app = Flask("bare_one_row")

    @app.get("/dossiers/<ident>")
    def read(ident):
        with engine.connect() as connection:
            row = connection.execute(query, {"id": ident}).mappings().first()
        if row is None:
            abort(404)
        return jsonify(
            {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in row.items()}
        )

    return app
