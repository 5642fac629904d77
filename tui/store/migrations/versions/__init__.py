"""Schema revisions, oldest first. Add one with a new file; update ``migrate.HEAD``."""
