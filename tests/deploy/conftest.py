"""The deployment checks import their helpers from platform_model.py beside this file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
