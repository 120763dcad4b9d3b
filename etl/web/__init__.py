"""What Datasette serves besides the database: plugins, templates, settings.

`status-codes serve`, `datasette publish` and the tests all use these, so every way of serving
shows the same site.
"""

from pathlib import Path

WEB_DIR = Path(__file__).parent
PLUGINS_DIR = WEB_DIR / "plugins"
TEMPLATES_DIR = WEB_DIR / "templates"

# Datasette settings for the public site. A runaway query (say a recursive CTE) is cut off
# after a second, and the site stays responsive for everyone else.
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "allow_download": True,  # the whole .db file is offered for download
    "default_cache_ttl": 3600,  # the database is immutable, so caches may keep pages
}


def serve_options() -> list[str]:
    """The `datasette serve` options that make the site: plugins, templates, settings."""
    return ["--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR), *_settings()]


def create_datasette(database: Path, metadata_path: Path, downloads: Path | None = None):
    """The same site in-process (for tests and scripts), on an immutable database, with the
    prepared downloads (status-codes export) at /downloads/ when given."""
    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8"))
    return Datasette(
        [],
        immutables=[str(database)],
        metadata=metadata,
        plugins_dir=str(PLUGINS_DIR),
        template_dir=str(TEMPLATES_DIR),
        settings=SETTINGS,
        static_mounts=[("downloads", str(downloads))] if downloads else None,
    )


def _settings() -> list[str]:
    """SETTINGS as `datasette serve` options."""
    options = []
    for name, value in SETTINGS.items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        options += ["--setting", name, text]
    return options
