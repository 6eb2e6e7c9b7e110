from platform_shared.migrations import run_env

from documents.db import Base

run_env(Base.metadata)
