"""A portal of 1,000 ideas or more gets its themes from density (issue #14), end to end."""

import hashlib

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ideas.models import IdeaVector, RunState, ThemeMembership
from ideas.themes import runs
from ideas.themes.embedding import idea_text, stable_embedder
from tests.factories import CategoryFactory, IdeaFactory, UserFactory

# Many small subjects, as a portal of precise requests has: 1,500 ideas on 150 subjects of 10.
# Louvain at the constant resolution merged them about three by three (tests/clustering).
GROUPS, PER_GROUP = 150, 10


def test_a_portal_of_1500_ideas_has_every_idea_on_its_own_subject_s_theme(db):
    embedder = stable_embedder()
    assert embedder is not None
    dim = embedder.embed(["x"]).shape[1]
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(GROUPS, dim))
    author, category = UserFactory(), CategoryFactory()
    truth = {}
    for group in range(GROUPS):
        for i in range(PER_GROUP):
            idea = IdeaFactory(
                title=f"Subject {group} idea {i}", body="", author=author, category=category
            )
            # Stored vectors as the worker would have written them: the run embeds nothing.
            row = centres[group] + 0.25 * rng.normal(size=dim) + 5.0
            row = (row / np.linalg.norm(row)).astype("<f4").tobytes()
            text_hash = hashlib.sha256(idea_text(idea).encode()).hexdigest()
            IdeaVector.objects.create(
                idea=idea, backend=embedder.name, data=row, title_data=row, text_hash=text_hash
            )
            truth[idea.pk] = group

    run = runs.run_recluster(trigger="manual")

    assert run is not None
    assert run.state == RunState.PUBLISHED
    assert run.idea_count == GROUPS * PER_GROUP
    found = dict(ThemeMembership.objects.filter(run=run).values_list("idea", "theme"))
    assert set(found) == set(truth)  # every idea is on a theme
    ideas = sorted(truth)
    assert adjusted_rand_score([truth[i] for i in ideas], [found[i] for i in ideas]) > 0.99
    assert run.theme_count == GROUPS
