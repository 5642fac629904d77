"""The deterministic demo data set (pure generation; the CLI stores it)."""
