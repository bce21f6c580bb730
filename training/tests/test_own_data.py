"""Training on one's own art: tags.csv and images as users have them, inferred tag sets, safe run
folders, the start-up summary and progress (issue 34). Tiny data, a few steps."""
import contextlib
import io
import json
import os
import tempfile
import unittest
import unittest.mock
from pathlib import Path

import numpy as np
import torch
from PIL import Image

import training.dataset as dataset
from training.dataset import DataError, TaggedImages, image_cache_dir, read_tag_table
from training.exclusive_groups import infer_exclusive_sets
from training.run_folder import RunFolderError
from training.tag_names import normalize_tag, split_tags
from training.tests.test_trainer import make_dataset, tiny_config
from training.train import main, train


def write_csv(root: Path, data: bytes):
    root.mkdir(parents=True, exist_ok=True)
    (root / "tags.csv").write_bytes(data)


class TagNameTests(unittest.TestCase):
    def test_GIVEN_spellings_THEN_folded_as_the_cli_folds_them(self):
        cases = {"Blonde Hair": "blonde_hair", "blonde-hair": "blonde_hair", "BLONDE_HAIR": "blonde_hair",
                 "ＢＬＯＮＤＥ－ＨＡＩＲ": "blonde_hair", "long\u00a0hair": "long_hair", "\ufeffsmile": "smile",
                 "x\u2010y": "x_y", "__a  _-b__": "a_b", "金髪": "金髪", "ｶﾞ": "ガ",
                 # JavaScript's \s has no U+001C, Python's has: the CLI keeps it, so must this
                 "a\x1cb": "a\x1cb"}
        for text, key in cases.items():
            self.assertEqual(normalize_tag(text), key, text)

    def test_GIVEN_a_cell_THEN_the_cli_separators_else_whitespace_split_it(self):
        self.assertEqual([normalize_tag(t) for t in split_tags("Long Hair, Blonde_Hair;smile")], ["long_hair", "blonde_hair", "smile"])
        self.assertEqual(split_tags("long_hair  smile"), ["long_hair", "smile"])
        self.assertEqual(split_tags(" , ,"), [])


class TagsCsvTests(unittest.TestCase):
    def test_GIVEN_excel_csv_with_bom_crlf_quotes_THEN_read_and_collisions_warned(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            write_csv(root, b'\xef\xbb\xbfImage,Tags\r\n"a.png","Long Hair, Blonde_Hair"\r\nsub\\b.png,blonde_hair smile\r\n,red_hair\r\n\r\n')
            table = read_tag_table(root)
            self.assertEqual(table.rows, [("a.png", ["long_hair", "blonde_hair"]), ("sub/b.png", ["blonde_hair", "smile"])])
            self.assertEqual(table.empty_rows, 1)
            self.assertTrue(any("Blonde_Hair, blonde_hair" in w and "(blonde_hair)" in w for w in table.warnings()), table.warnings())

    def test_GIVEN_semicolons_between_columns_THEN_read(self):
        with tempfile.TemporaryDirectory() as d:
            write_csv(Path(d), "image;tags\nx.png;red_hair smile\n".encode())
            self.assertEqual(read_tag_table(Path(d)).rows, [("x.png", ["red_hair", "smile"])])

    def test_GIVEN_latin1_or_no_header_THEN_clear_errors(self):
        with tempfile.TemporaryDirectory() as d:
            write_csv(Path(d), "image,tags\nx.png,caf\xe9\n".encode("latin-1"))
            with self.assertRaisesRegex(DataError, "not UTF-8.*CSV UTF-8"):
                read_tag_table(Path(d))
            write_csv(Path(d), b"x.png,red_hair\n")
            with self.assertRaisesRegex(DataError, "header must name"):
                read_tag_table(Path(d))


def save(path: Path, img: Image.Image, **kw):
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **kw)


class ImageTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = Path(self.tmp.name) / "art"
        self.root.mkdir()

    def test_GIVEN_jpeg_webp_transparent_png_nested_THEN_all_read_alpha_on_white(self):
        save(self.root / "a" / "b" / "photo.jpg", Image.new("RGB", (40, 40), (200, 30, 30)), quality=95)
        save(self.root / "c" / "art.webp", Image.new("RGB", (40, 40), (30, 30, 200)), lossless=True)
        clear = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
        clear.paste((0, 200, 0, 255), (10, 10, 30, 30))
        save(self.root / "clear.png", clear)
        pal = Image.new("P", (40, 40), 1)
        pal.putpalette([0, 0, 0, 10, 20, 30] + [0] * 762)
        save(self.root / "pal.gif", pal, transparency=1)
        write_csv(self.root, b"image,tags\na/b/photo.jpg,red\nc\\art.webp,blue\nclear.png,green\npal.gif,none\n")
        data = TaggedImages(self.root, size=16, log=None)
        self.assertEqual(len(data), 4)
        px = data.images.permute(0, 2, 3, 1).numpy().astype(int)
        self.assertTrue(np.abs(px[0, 8, 8] - [200, 30, 30]).max() < 8, px[0, 8, 8])
        self.assertTrue(np.abs(px[1, 8, 8] - [30, 30, 200]).max() < 3, px[1, 8, 8])
        self.assertEqual(px[2, 0, 0].tolist(), [255, 255, 255])        # transparent → white, not black
        self.assertTrue(np.abs(px[2, 8, 8] - [0, 200, 0]).max() < 3)
        self.assertEqual(px[3, 8, 8].tolist(), [255, 255, 255])        # a palette's transparent index too

    def test_GIVEN_wide_image_THEN_centre_cropped_by_default_and_padded_on_ask(self):
        wide = Image.new("RGB", (96, 32), (200, 0, 0))
        wide.paste((0, 0, 200), (32, 0, 64, 32))  # the blue middle third is the centre square
        save(self.root / "wide.png", wide)
        write_csv(self.root, b"image,tags\nwide.png,x\n")
        crop = TaggedImages(self.root, size=16, log=None).images[0].permute(1, 2, 0).numpy().astype(int)
        self.assertTrue((np.abs(crop - [0, 0, 200]).max(-1) < 3).all())  # no stretched red
        pad = TaggedImages(self.root, size=24, fit="pad", log=None).images[0].permute(1, 2, 0).numpy().astype(int)
        self.assertEqual(pad[0, 12].tolist(), [255, 255, 255])           # white above
        self.assertEqual(pad[23, 12].tolist(), [255, 255, 255])          # and below
        self.assertTrue(np.abs(pad[12, 12] - [0, 0, 200]).max() < 3)     # the whole width kept
        self.assertTrue(np.abs(pad[12, 1] - [200, 0, 0]).max() < 3)

    def test_GIVEN_unreadable_images_THEN_skipped_counted_and_all_unreadable_is_an_error(self):
        save(self.root / "ok.png", Image.new("RGB", (8, 8), (1, 2, 3)))
        (self.root / "broken.png").write_bytes(b"not a png")
        write_csv(self.root, b"image,tags\nbroken.png,a\nok.png,b\nmissing.jpg,a\n")
        data = TaggedImages(self.root, size=8, log=None)
        self.assertEqual(data.files, ["ok.png"])
        self.assertEqual([v["name"] for v in data.vocab], ["b"])  # the skipped rows' tags are not trained
        self.assertEqual([name for name, _ in data.skipped], ["broken.png", "missing.jpg"])
        again = TaggedImages(self.root, size=8, log=None)       # from the cache: the same count
        self.assertEqual(len(again.skipped), 2)
        write_csv(self.root, b"image,tags\nbroken.png,a\n")
        with self.assertRaisesRegex(DataError, "none of the 1 images could be read.*broken.png"):
            TaggedImages(self.root, size=8, log=None)

    def test_GIVEN_a_folder_THEN_the_cache_is_outside_it_and_read_back_without_decoding(self):
        make_dataset(self.root, n=6, size=16)
        before = sorted(p.relative_to(self.root) for p in self.root.rglob("*"))
        first = TaggedImages(self.root, size=8, log=None)
        self.assertEqual(sorted(p.relative_to(self.root) for p in self.root.rglob("*")), before)
        self.assertTrue(any(image_cache_dir().glob("*.npy")))
        with unittest.mock.patch.object(dataset, "decode_image", side_effect=AssertionError("decoded again")):
            second = TaggedImages(self.root, size=8, log=None)
        self.assertTrue(torch.equal(first.images, second.images))
        os.utime(self.root / "tags.csv", ns=(1, 1))  # an edited tags.csv is decoded afresh
        with unittest.mock.patch.object(dataset, "decode_image", wraps=dataset.decode_image) as decode:
            TaggedImages(self.root, size=8, log=None)
        self.assertEqual(decode.call_count, 6)

    def test_GIVEN_no_writable_cache_THEN_images_still_load_from_a_file_of_their_own(self):
        make_dataset(self.root, n=4, size=16)
        blocker = Path(self.tmp.name) / "not-a-folder"
        blocker.write_text("x")
        with unittest.mock.patch.dict(os.environ, {"GFF_CACHE_DIR": str(blocker / "cache")}):
            data = TaggedImages(self.root, size=8, log=None)
        self.assertEqual(tuple(data.images.shape), (4, 3, 8, 8))
        self.assertGreater(int(data.images.float().std()), 0)  # the pictures, not zeros

    @unittest.skipUnless(Path("/proc/self/maps").is_file(), "reads /proc/self/maps")
    def test_GIVEN_2000_images_THEN_they_are_memory_mapped_from_the_cache_not_copied_into_memory(self):
        rows = ["image,tags"]
        for i in range(2000):
            save(self.root / f"d{i // 500}" / f"{i}.png", Image.new("RGB", (8, 8), (i % 256, 0, 0)))
            rows.append(f"d{i // 500}/{i}.png,{'red' if i % 2 else 'blue'}")
        write_csv(self.root, ("\n".join(rows) + "\n").encode())
        for attempt in ("decoded", "cached"):
            data = TaggedImages(self.root, size=8, log=None)
            self.assertEqual(len(data), 2000)
            self.assertEqual(data.images[1999, 0, 0, 0].item(), 1999 % 256)
            ptr = data.images.data_ptr()
            maps = [line.split() for line in Path("/proc/self/maps").read_text().splitlines()]
            backing = [m[-1] for m in maps if len(m) >= 6 and int(m[0].split("-")[0], 16) <= ptr < int(m[0].split("-")[1], 16)]
            self.assertEqual(len(backing), 1, attempt)
            self.assertTrue(backing[0].startswith(str(image_cache_dir())) and backing[0].endswith(".npy"), (attempt, backing))
            x, _ = data.batch(torch.tensor([0, 1999]))
            self.assertEqual(tuple(x.shape), (2, 3, 8, 8))


def partition_rows(n=200, slip=False):
    hair, bg = ["red_hair", "blue_hair", "green_hair"], ["white_background", "blue_background"]
    rows = []
    for i in range(n):
        tags = [hair[i % 3], bg[i % 2], "smile"] + (["glasses"] if i % 10 == 0 else []) + (["sunglasses"] if i % 10 == 5 else [])
        rows.append((f"{i}.png", tags))
    if slip:
        rows[1][1].append("green_hair")  # one image tagged with two hair colours
    return rows


class ExclusiveSetTests(unittest.TestCase):
    def test_GIVEN_tags_that_never_meet_THEN_sets_that_cover_the_images_and_not_rare_pairs(self):
        rows = partition_rows()
        names = ["smile", "red_hair", "blue_hair", "green_hair", "white_background", "blue_background", "glasses", "sunglasses"]
        sets = infer_exclusive_sets(rows, names)
        self.assertEqual(sets, {"hair": ["red_hair", "blue_hair", "green_hair"], "background": ["white_background", "blue_background"]})
        self.assertEqual(infer_exclusive_sets(partition_rows(slip=True), names)["hair"], ["red_hair", "blue_hair", "green_hair"])

    def test_GIVEN_a_folder_without_vocab_json_THEN_the_sets_are_in_the_vocabulary_and_vocab_json_wins(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            make_dataset(root, n=12, size=8)  # red_hair and blue_hair alternate; smile on every third
            vocab = TaggedImages(root, size=8, log=None).vocab
            self.assertEqual({v["name"]: v.get("exclusive") for v in vocab}, {"red_hair": "hair", "blue_hair": "hair", "smile": None})
            (root / "vocab.json").write_text(json.dumps([{"name": "Red Hair", "group": "hair_color", "exclusive": "colour"}]))
            told = {v["name"]: v.get("exclusive") for v in TaggedImages(root, size=8, log=None).vocab}
            self.assertEqual(told, {"red_hair": "colour", "blue_hair": None, "smile": None})


class SafeRunTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.data, self.out = Path(self.tmp.name) / "data", Path(self.tmp.name) / "runs" / "mine"
        make_dataset(self.data, n=16)

    def test_GIVEN_a_run_THEN_a_new_start_is_refused_unless_force_and_resume_continues(self):
        train(tiny_config(self.data, self.out, epochs=0.5), progress=False)
        before = (self.out / "ckpt.pt").read_bytes()
        with self.assertRaisesRegex(RunFolderError, "a run is already there.*--resume.*--force"):
            train(tiny_config(self.data, self.out, epochs=0.5), progress=False)
        self.assertEqual((self.out / "ckpt.pt").read_bytes(), before)  # untouched
        train(tiny_config(self.data, self.out, epochs=1.0), resume=True, progress=False)
        self.assertEqual(torch.load(self.out / "ckpt.pt")["step"], 2)
        (self.out / "samples" / "mine.txt").write_text("a user's note")
        train(tiny_config(self.data, self.out, epochs=0.5), force=True, progress=False)
        self.assertEqual(torch.load(self.out / "ckpt.pt")["step"], 1)  # started again
        self.assertEqual(len((self.out / "log.jsonl").read_text().splitlines()), 1)  # the old log is gone
        self.assertFalse((self.out / "samples" / "mine.txt").exists())

    def test_GIVEN_resume_without_checkpoint_THEN_error_and_nothing_made(self):
        with self.assertRaisesRegex(RunFolderError, "no checkpoint"):
            train(tiny_config(self.data, self.out), resume=True, progress=False)
        self.assertFalse(self.out.exists())

    def test_GIVEN_a_failing_start_THEN_nothing_empty_is_left(self):
        with self.assertRaises(DataError):
            train(tiny_config(Path(self.tmp.name) / "nowhere", self.out), progress=False)
        self.assertFalse(self.out.exists())
        self.out.mkdir(parents=True)
        (self.out / "README").write_text("mine")
        with self.assertRaises(DataError):
            train(tiny_config(Path(self.tmp.name) / "nowhere", self.out), progress=False)
        self.assertEqual(sorted(p.name for p in self.out.iterdir()), ["README"])  # what was there stays

    def test_GIVEN_the_cli_THEN_refusals_are_one_line_and_exit_2(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit) as exit_:
            main(["--data", str(self.data), "--out", str(self.out), "--resume"])
        self.assertEqual(exit_.exception.code, 2)
        self.assertRegex(err.getvalue(), r"^error: .*no checkpoint \(ckpt.pt\)")


class SummaryProgressTests(unittest.TestCase):
    def test_GIVEN_a_run_THEN_summary_then_images_per_second_and_eta_from_the_first_step_and_steps_stop_it(self):
        with tempfile.TemporaryDirectory() as d:
            data, out = Path(d) / "data", Path(d) / "run"
            make_dataset(data, n=16)
            (data / "broken.png").write_bytes(b"x")
            with (data / "tags.csv").open("a") as f:
                f.write("broken.png,red_hair\n")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                train(tiny_config(data, out, epochs=100.0, max_steps=3), progress=True)
            text = err.getvalue()
            self.assertIn("images    16 at 64 px", text)
            self.assertIn("1 skipped, unreadable (first: broken.png", text)
            self.assertIn("hair: red_hair, blue_hair (100% of images)", text)
            self.assertRegex(text, r"device    cpu · 1 threads · float32")
            self.assertRegex(text, r"step 1 · epoch 0\.50 · [\d.]+ images/s · ETA \d+ s")
            self.assertEqual(torch.load(out / "ckpt.pt")["step"], 3)
            rows = (out / "samples" / "rows.txt").read_text().splitlines()
            self.assertEqual(len(rows), 8)  # one line per grid row, naming its tags
            # own data's grid rows fill every inferred set, as the gacha does
            self.assertEqual(rows[:2], ["row 1: red_hair", "row 2: blue_hair"])


if __name__ == "__main__":
    unittest.main()
