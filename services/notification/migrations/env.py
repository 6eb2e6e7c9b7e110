from platform_shared.migrations import run_env

from notification.db import Base

run_env(Base.metadata)
