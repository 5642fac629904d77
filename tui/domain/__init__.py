"""The domain: catalog, events, access rules, time ranges and queries. Plain Python, no I/O."""
