"""What the web side (similar.py) and the search process (similar_search.py) agree on about a
query, in a module of its own so that neither imports the other for it."""

# Shorter texts (stripped) get no suggestions: too little to compare.
MIN_TEXT_CHARS = 8
