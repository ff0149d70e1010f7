"""`python -m ssui` runs the `ssui` command."""

from ssui.cli import main

raise SystemExit(main())
