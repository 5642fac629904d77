"""The store: schema, migrations and the repository. Depends on the domain only."""
