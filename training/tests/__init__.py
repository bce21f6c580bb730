"""Tests decode their tiny image folders into a cache of their own, removed at exit, rather than
into the user's ~/.cache/gff (training/dataset.py image_cache_dir)."""
import atexit
import os
import shutil
import tempfile

if not os.environ.get("GFF_CACHE_DIR"):
    os.environ["GFF_CACHE_DIR"] = tempfile.mkdtemp(prefix="gff-test-cache-")
    atexit.register(shutil.rmtree, os.environ["GFF_CACHE_DIR"], True)
