"""PostgreSQL full-text search for ideas (ideas/search.py, docs/search.md); nothing on SQLite.

- `unaccent`, and two text search configurations that fold accents before stemming:
  `ruche_fr` (French) and `ruche_en` (English).
- `ideas_idea.search_vector`, a generated column: the title (weight A) and the body (weight B)
  parsed with the configuration of the idea's language. PostgreSQL keeps it up to date on every
  insert and update; it is not a model field, so Django never selects or writes it.
- A GIN index on it.

CREATE EXTENSION needs a superuser, or (PostgreSQL 13+, where unaccent is a trusted extension)
a user with CREATE on the database; a DBA can also run it once beforehand, as docs/search.md says.
"""

from django.db import migrations

LANGUAGE_CONFIG = "CASE language WHEN 'fr' THEN 'ruche_fr'::regconfig ELSE 'ruche_en'::regconfig END"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION ruche_fr (COPY = pg_catalog.french)",
    "ALTER TEXT SEARCH CONFIGURATION ruche_fr "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    "CREATE TEXT SEARCH CONFIGURATION ruche_en (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION ruche_en "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    "ALTER TABLE ideas_idea ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({LANGUAGE_CONFIG}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({LANGUAGE_CONFIG}, coalesce(body, '')), 'B')"
    ") STORED",
    "CREATE INDEX idea_search ON ideas_idea USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS idea_search",
    "ALTER TABLE ideas_idea DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ruche_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ruche_fr",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ideas", "0007_trending_and_tallies")]

    operations = [migrations.RunPython(forward, backward)]
