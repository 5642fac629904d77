"""Helpers that break things on purpose, for the ``test_faults_*`` suites.

Each helper injects one fault the way the world would: a file moved away or made immutable,
another connection holding a lock, the server ending our sessions, a process killed or out
of disk. ``tally`` counts them (and the events written under load), so a run can say how
many faults it survived: set ``AUDITLOG_FAULT_TALLY`` to a file and each injection appends a
line to it.
"""
