"""auditlog: review an MSP portal's audit log from the terminal."""

__version__ = "0.1.0"
