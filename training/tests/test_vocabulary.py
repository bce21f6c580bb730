"""The vocabulary's `hides`: which exclusive sets a tag never appears beside."""
import unittest

from training.dataset import with_hidden_sets

VOCAB = [{"name": "blue_eyes", "exclusive": "eye_color"}, {"name": "red_eyes", "exclusive": "eye_color"},
         {"name": "x_bg", "exclusive": "background"}, {"name": "closed_eyes"}, {"name": "glasses"}]


def rows(n=100):
    out = []
    for i in range(n):
        tags = ["x_bg"]
        if i % 5 == 0:
            tags.append("closed_eyes")  # never with an eye colour, as in the lorelei data
        else:
            tags.append("blue_eyes" if i % 2 else "red_eyes")
        if i % 4 == 0:
            tags.append("glasses")  # with and without an eye colour
        out.append((f"{i}.png", tags))
    return out


class HiddenSetsTests(unittest.TestCase):
    def test_GIVEN_tag_never_beside_a_set_THEN_it_hides_that_set_only(self):
        got = {v["name"]: v.get("hides") for v in with_hidden_sets(VOCAB, rows())}
        self.assertEqual(got, {"blue_eyes": None, "red_eyes": None, "x_bg": None, "closed_eyes": ["eye_color"], "glasses": None})

    def test_GIVEN_too_few_images_with_the_tag_THEN_no_claim(self):
        few = [r for i, r in enumerate(rows()) if "closed_eyes" not in r[1] or i < 30]  # 6 closed-eye images
        self.assertNotIn("hides", next(v for v in with_hidden_sets(VOCAB, few) if v["name"] == "closed_eyes"))

    def test_GIVEN_one_image_beside_the_set_THEN_no_longer_hidden_and_input_untouched(self):
        data = rows() + [("odd.png", ["closed_eyes", "blue_eyes", "x_bg"])]
        vocab = [dict(v) for v in VOCAB]
        self.assertNotIn("hides", next(v for v in with_hidden_sets(vocab, data) if v["name"] == "closed_eyes"))
        self.assertEqual(vocab, VOCAB)


if __name__ == "__main__":
    unittest.main()
