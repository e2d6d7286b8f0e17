"""Ruche's own date formats per language (FORMAT_MODULE_PATH); Django's fill in the rest."""
