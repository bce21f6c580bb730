"""A run folder is never overwritten by accident, and a run that fails leaves nothing behind.

A new run (no --resume) refuses a folder that already holds a run unless --force, which deletes
that run's files first; --resume refuses a folder without a checkpoint instead of quietly starting
afresh. A run that fails before its first checkpoint removes what it wrote (the folder too, when
it made it), so a typo in a flag leaves no empty run to trip the next start.
"""
import shutil
from contextlib import contextmanager
from pathlib import Path

# What the trainers write into a run folder; a folder holding any of them holds a run.
RUN_ENTRIES = ("ckpt.pt", "ckpt.tmp", "config.json", "log.jsonl", "loss.png", "samples", "keep")


class RunFolderError(Exception):
    """A run folder that does not fit the start asked for; the message says what to do."""


def _remove_run_entries(out: Path):
    for name in RUN_ENTRIES:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def claim_run_folder(out, resume: bool, force: bool) -> bool:
    """Checks OUT for the start asked for and makes it; True when this call created it."""
    out = Path(out)
    if resume and force:
        raise RunFolderError("--resume continues a run and --force starts it again: give one of them")
    if resume:
        if not (out / "ckpt.pt").is_file():
            raise RunFolderError(f"{out}: --resume, but there is no checkpoint (ckpt.pt) to continue from; "
                                 "leave out --resume to start a new run")
        return False
    if out.exists() and not out.is_dir():
        raise RunFolderError(f"{out}: a file, not a run folder")
    found = [name for name in RUN_ENTRIES if (out / name).exists()]
    if found and not force:
        raise RunFolderError(f"{out}: a run is already there ({', '.join(found)}); --resume continues it, "
                             "--force starts it again (deleting its checkpoint), or choose another name")
    if found:
        _remove_run_entries(out)
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    return created


@contextmanager
def removed_on_failure(out, created: bool):
    """Around a run: on any exception (Ctrl-C before the first checkpoint too) that leaves no
    ckpt.pt, remove what the run wrote, and the folder itself when claim_run_folder created it."""
    out = Path(out)
    try:
        yield
    except BaseException:
        if not (out / "ckpt.pt").is_file():
            if created:
                shutil.rmtree(out, ignore_errors=True)
            else:
                _remove_run_entries(out)
        raise
