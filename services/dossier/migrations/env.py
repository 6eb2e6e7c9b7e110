from platform_shared.migrations import run_env

from dossier.db import Base

run_env(Base.metadata)
