from partner_gateway import config
from partner_gateway.db import Base
from platform_shared.migrations import run_env

run_env(Base.metadata, config.load)
