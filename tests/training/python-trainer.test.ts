import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';

// CI installs python3-torch (GFF_REQUIRE_TORCH=1 there), so these never silently skip in CI;
// on a machine without PyTorch they are skipped with a note instead of failing.
const torchReady = hasTorch();
if (!torchReady && process.env.GFF_REQUIRE_TORCH) throw new Error('GFF_REQUIRE_TORCH is set but PyTorch cannot be imported');

describe.skipIf(!torchReady)('training package (PyTorch)', () => {
  it('GIVEN tiny data THEN the trainer, exporter and metrics unit tests pass', () => {
    const run = spawnSync(pythonExecutable(), ['-m', 'unittest', 'discover', '-s', 'training/tests', '-t', '.'], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      timeout: 300_000,
    });
    expect(run.stderr, run.stderr).toMatch(/\nOK/);
    expect(run.status).toBe(0);
  }, 300_000); // the whole Python suite in one child process: its own timeout above is the limit
});
