"""``python -m ssui.sandbox serve ...``."""

import sys

from .cli import main

sys.exit(main())
