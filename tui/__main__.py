"""``python -m tui`` is the ``auditlog`` command."""

from tui.cli.main import main

raise SystemExit(main())
