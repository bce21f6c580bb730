"""FactorCodes.describe: what the model card tells the runtime about each factor code, the
variant counts per limiting tag included (the refine loop picks other variants from them)."""
import unittest

import torch

from training.factor_codes import FactorCodes


class DescribeTest(unittest.TestCase):
    def test_GIVEN_a_tag_that_narrows_a_factor_THEN_describe_gives_the_variant_count_per_tag_combination(self):
        # 4 hair variants; "ponytail" faces only ever show variants 0 and 1, the others all four.
        n = 400
        ponytail = torch.tensor([i % 2 for i in range(n)])
        hair = torch.tensor([(i // 2) % 2 if i % 2 else (i // 2) % 4 for i in range(n)])
        tags = torch.stack([ponytail, torch.zeros(n, dtype=torch.long)], dim=1)
        codes = FactorCodes({"hair": (["a", "b", "c", "d"], hair)}, tags, min_images_per_variant=10)
        vocab = [{"name": "ponytail"}, {"name": "smile"}]
        described = codes.describe(vocab)["hair"]
        self.assertEqual(described["variants"], 4)
        self.assertEqual(described["zIndex"], 0)
        self.assertEqual(described["limitedBy"], ["ponytail"])
        self.assertEqual(described["variantsWith"], {"": 4, "ponytail": 2})


if __name__ == "__main__":
    unittest.main()
