"""The ``auditlog`` command line: thin verbs over the repository."""
