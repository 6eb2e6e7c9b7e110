from documents import config
from documents.db import Base
from platform_shared.migrations import run_env

run_env(Base.metadata, config.load)
