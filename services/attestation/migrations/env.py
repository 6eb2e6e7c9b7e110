from attestation import config
from attestation.db import Base
from platform_shared.migrations import run_env

run_env(Base.metadata, config.load)
