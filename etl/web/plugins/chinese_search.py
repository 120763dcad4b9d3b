"""Chinese full-text search of any length, for Datasette's search box and the search query.

SQLite FTS5's default tokenizer keeps a run of Chinese as one token, so `超时` would never match
`请求超时。`; the trigram tokenizer misses every query under three characters, which in Chinese
is most words (超时, 网关, 证书). So the build indexes Chinese one character per token
(`segment`: `请求超时。` -> `请 求 超 时 。`), and every query is turned into phrases of
adjacent characters (`fts_query`: `超时` -> `"超 时"`). A phrase matches exactly where the
characters stand together, at any length; Latin words are searched as FTS5 always does.

`fts_query` replaces Datasette's `escape_fts` SQL function, which table search boxes and the
canned `search` query call. For text without Chinese it quotes terms exactly as Datasette does.

This file is both a Datasette plugin (loaded with --plugins-dir) and what the build imports to
index text, so both sides always agree. It needs nothing but pluggy, which Datasette uses.
"""

from __future__ import annotations

import re

import pluggy

hookimpl = pluggy.HookimplMarker("datasette")

# Runs of Han ideographs (with extension A and compatibility forms), kana and Hangul.
CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
# Datasette's own term splitting: whitespace, or a "quoted phrase".
TERMS = re.compile(r'\s+|(".*?")')


def segment(text: str | int | None) -> str | None:
    """Text (or a number) as indexed: every CJK character stands alone as a token."""
    if text is None:
        return None
    # one substitution per run, not per character: indexing stays linear and quick
    spaced = CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", str(text))
    return " ".join(spaced.split())


def fts_query(query: str | None) -> str:
    """A user's query as an FTS5 MATCH expression that cannot be a syntax error.

    Each term (or "quoted phrase") becomes one quoted phrase, Chinese split into characters;
    all terms must match. An empty query becomes `""`, which matches nothing.
    """
    query = query or ""
    if query.count('"') % 2:
        query += '"'
    phrases = []
    for bit in TERMS.split(query):
        if not bit:
            continue
        words = segment(bit.strip('"').replace('"', " "))
        if words:
            phrases.append(f'"{words}"')
    return " ".join(phrases) or '""'


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which it replaces
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
