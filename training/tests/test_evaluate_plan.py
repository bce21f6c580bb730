"""The evaluation plan: which (seed, tags) rows a model is judged on."""
import json
import tempfile
import unittest
import unittest.mock
from pathlib import Path
from types import SimpleNamespace

import torch

from training import evaluate


def write_plan(folder: Path, **kw):
    """A plan over 4 tags with random held-out tag vectors (the held-out folder is faked)."""
    model = folder / "model"
    model.mkdir(exist_ok=True)
    vocab = [{"name": "red_hair", "group": "hair_color"}, {"name": "blue_hair", "group": "hair_color"},
             {"name": "smile"}, {"name": "glasses"}]
    (model / "tags.json").write_text(json.dumps({"tags": vocab}))
    gen = torch.Generator().manual_seed(0)
    tags = (torch.rand(3000, 4, generator=gen) > 0.5).float()
    tags[:, 1] = 1 - tags[:, 0]   # one hair colour each, as in the data
    held = SimpleNamespace(tags=tags)
    out = folder / f"plan-{kw.get('seed_offset', 0)}.json"
    with unittest.mock.patch.object(evaluate, "TaggedImages", return_value=held):
        evaluate.plan(SimpleNamespace(model=str(model), real="unused", out=str(out), **kw))
    return json.loads(out.read_text())


class PlanTests(unittest.TestCase):
    def test_GIVEN_a_seed_offset_THEN_the_same_rows_and_tags_with_every_seed_shifted(self):
        with tempfile.TemporaryDirectory() as d:
            base, other = write_plan(Path(d), seed_offset=0), write_plan(Path(d), seed_offset=1_000_000)
        self.assertEqual(len(base["rows"]), len(other["rows"]))
        self.assertEqual([r["tags"] for r in base["rows"]], [r["tags"] for r in other["rows"]])
        self.assertEqual([r["seed"] + 1_000_000 for r in base["rows"]], [r["seed"] for r in other["rows"]])
        self.assertEqual((base["seedOffset"], other["seedOffset"]), (0, 1_000_000))
        self.assertEqual(base["matched"], other["matched"])
        # Every kind keeps its own seeds: no row of one kind shares a face with another kind.
        seeds = [r["seed"] for r in base["rows"] if r["kind"] != "restyle_changed"]
        self.assertEqual(len(seeds), len(set(seeds)))

    def test_GIVEN_an_offset_past_the_seed_range_THEN_a_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            for bad in (-1, evaluate.SEED_OFFSET_MAX + 1):
                with self.assertRaises(SystemExit) as caught:
                    write_plan(Path(d), seed_offset=bad)
                self.assertIn("--seed-offset", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
