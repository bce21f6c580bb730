import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The Python that has PyTorch: $GFF_PYTHON, else Debian's /usr/bin/python3 (where apt puts
 * python3-torch — a pyenv `python3` earlier on PATH usually lacks it), else `python3`.
 */
export function pythonExecutable(): string {
  if (process.env.GFF_PYTHON) return process.env.GFF_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Whether that Python can import torch, numpy and PIL (the trainer's dependencies). */
export function hasTorch(): boolean {
  try {
    execFileSync(pythonExecutable(), ['-c', 'import torch, numpy, PIL'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
