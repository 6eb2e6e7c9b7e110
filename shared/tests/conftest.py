import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table

from platform_shared.auth import current_caller, require_roles
from platform_shared.config import load_settings
from platform_shared.db import Database, UTCDateTime
from platform_shared.messaging.tables import messaging_metadata
from platform_shared.web import create_service_app

items_metadata = MetaData()
items_table_definition = Table(
    "items",
    items_metadata,
    Column("id", String(36), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("created_at", UTCDateTime()),
)


class ThingSchema(Schema):
    name = fields.String(required=True)
    size = fields.Integer(required=True)


def _demo_blueprint():
    blp = Blueprint("demo", __name__, url_prefix="/api/v1/demo")

    @blp.route("/agents-only")
    class AgentsOnly(MethodView):
        @require_roles("agent")
        def get(self):
            return {"sub": current_caller().sub}

    @blp.route("/things")
    class Things(MethodView):
        @require_roles("agent", "client")
        @blp.arguments(ThingSchema)
        @blp.response(201, ThingSchema)
        def post(self, body):
            return body

    @blp.route("/boom")
    class Boom(MethodView):
        def get(self):
            raise RuntimeError("secret internals /etc/passwd")

    return blp


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        service_name="demo",
        database_url=f"sqlite:///{tmp_path / 'demo.db'}",
        amqp_url="amqp://guest:guest@127.0.0.1:1/%2F",
        log_json=False,
    )


@pytest.fixture
def db(settings):
    database = Database(settings.database_url)
    messaging_metadata.create_all(database.engine)  # test fixture only: services use Alembic
    items_metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def items_table():
    return items_table_definition


@pytest.fixture
def make_app(db):
    def build(settings):
        app, api = create_service_app(settings, db, title="Demo", configure_logs=False)
        api.register_blueprint(_demo_blueprint())
        return app

    return build


@pytest.fixture
def client(make_app, settings):
    return make_app(settings).test_client()
