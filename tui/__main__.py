"""``python -m tui`` is the ``auditlog`` command."""

from tui.cli.main import run_command

run_command()
