from dossier import config
from dossier.db import Base
from platform_shared.migrations import run_env

# ix_dossiers_search (0002) is a PostgreSQL trigram index on an expression the models cannot declare.
run_env(Base.metadata, config.load, migration_only_indexes={"ix_dossiers_search"})
