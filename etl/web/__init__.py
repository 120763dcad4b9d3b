"""What Datasette serves besides the database: plugins, templates, static files.

`status-codes serve`, `datasette publish` and the tests all pass these folders explicitly
(`--plugins-dir`, `--template-dir`), so every way of serving shows the same site.
"""

from pathlib import Path

WEB_DIR = Path(__file__).parent
PLUGINS_DIR = WEB_DIR / "plugins"
