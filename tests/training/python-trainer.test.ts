import { describe, expect, it } from 'vitest';
import { hasTorch, pythonExecutable } from '../../testkit/python.ts';
import { runProcess } from '../../testkit/run-process.ts';

// CI installs python3-torch (GFF_REQUIRE_TORCH=1 there), so these never silently skip in CI;
// on a machine without PyTorch they are skipped with a note instead of failing.
const torchReady = hasTorch();
if (!torchReady && process.env.GFF_REQUIRE_TORCH) throw new Error('GFF_REQUIRE_TORCH is set but PyTorch cannot be imported');

describe.skipIf(!torchReady)('training package (PyTorch)', () => {
  it('GIVEN tiny data THEN the trainer, exporter and metrics unit tests pass', async () => {
    // Asynchronously: the suite runs for minutes on a loaded machine (testkit/run-process.ts says why).
    const run = await runProcess(pythonExecutable(), ['-m', 'unittest', 'discover', '-s', 'training/tests', '-t', '.'], {
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      timeoutMs: 600_000,
    });
    expect(run.stderr, run.stderr).toMatch(/\nOK/);
    expect(run.status).toBe(0);
  }, 610_000); // the whole Python suite in one child process: its own timeout above is the limit
});
