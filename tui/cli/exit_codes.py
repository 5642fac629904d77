"""Exit codes, distinct per kind of failure so scripts can tell them apart.

=====  =================================================================
code   meaning
=====  =================================================================
0      success
1      an unexpected error (a bug: please report it with the message)
2      usage error: unknown option, missing argument (argparse's own code)
3      access refused: unknown, erased or unprivileged account, or a tenant not assigned
4      bad input: a malformed event, date or range; an output file that cannot be
       written; ingest finished but rejected lines
5      the database cannot be reached or used
6      not found: no such event visible to this account
7      verify found the log (or an exported file) tampered with
=====  =================================================================
"""

OK = 0
UNEXPECTED = 1
USAGE = 2
REFUSED = 3
BAD_INPUT = 4
UNAVAILABLE = 5
NOT_FOUND = 6
TAMPERED = 7
