/** Issue 30, item 14: a timed-out ONNX Runtime batch must not take the process down. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../testkit/run-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

describe('ONNX Runtime workers and batch timeouts', () => {
  it('GIVEN batches that outlive their timeout inside ONNX Runtime THEN each fails with worker_timeout, the late runs are ended after they return, and the process exits 0 (no SIGABRT)', async () => {
    // In a child process: before the fix this aborted (terminate called after throwing an instance of 'Napi::Error').
    const run = await runProcess(process.execPath, [TSX, path.join(ROOT, 'tests/gan/children/ort-batch-timeout.ts')], { cwd: ROOT, timeoutMs: 170_000 });
    expect(run.stderr).not.toMatch(/Napi::Error/);
    expect({ status: run.status, signal: run.signal }, run.stderr).toEqual({ status: 0, signal: null });
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { backend: string; outcomes: string[]; logged: string[] };
    expect(result.backend).toBe('onnxruntime');
    expect(result.outcomes).toEqual(['worker_timeout', 'worker_timeout', 'worker_timeout']);
    expect(result.logged.filter((l) => l.includes('finished late')).length).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
