"""ETL for the status-codes dataset: source document -> records -> SQLite -> Datasette."""

__version__ = "0.1.0"
