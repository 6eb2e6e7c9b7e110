from notification import config
from notification.db import Base
from platform_shared.migrations import run_env

run_env(Base.metadata, config.load)
