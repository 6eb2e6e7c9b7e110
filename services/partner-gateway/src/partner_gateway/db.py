"""Tables of the partner-gateway service (its own database only)."""
from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from platform_shared.messaging.tables import attach_messaging_tables


class Base(DeclarativeBase):
    metadata = MetaData()


attach_messaging_tables(Base.metadata)
