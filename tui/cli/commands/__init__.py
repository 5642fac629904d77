"""One module per verb; each has ``register(subparsers)`` and ``run(args) -> exit code``.

``VERBS`` is the order ``auditlog --help`` lists them in; ``main.build_parser`` imports each.
"""

VERBS = ("demo", "query", "show", "export", "ingest", "purge", "accounts", "catalog", "verify")
