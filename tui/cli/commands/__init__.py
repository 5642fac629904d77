"""One module per verb; each has ``register(subparsers)`` and ``run(args) -> exit code``."""
