from platform_shared.migrations import run_env

from attestation.db import Base

run_env(Base.metadata)
