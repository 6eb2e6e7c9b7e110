from platform_shared.migrations import run_env

from partner_gateway.db import Base

run_env(Base.metadata)
