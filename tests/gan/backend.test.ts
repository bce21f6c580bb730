import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, describeBackend } from '../../src/gan/backend.ts';
import { backendCandidates, defaultWorkerCount, isInstalled, parseBackendPreference, plannedBackend } from '../../src/gan/backend-plan.ts';

describe('backend choice', () => {
  it('GIVEN preferences THEN candidates run from the preferred backend down to cpu', () => {
    expect(backendCandidates('auto')).toEqual(['onnxruntime', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    expect(backendCandidates('tfjs-node-gpu')).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    expect(backendCandidates('wasm')).toEqual(['wasm', 'cpu']);
    expect(backendCandidates('cpu')).toEqual(['cpu']);
    expect(parseBackendPreference('tfjs-node-gpu')).toBe('tfjs-node-gpu');
    expect(parseBackendPreference('onnxruntime')).toBe('onnxruntime');
    expect(() => parseBackendPreference('gpu')).toThrow(/auto, onnxruntime, tfjs-node-gpu, tfjs-node, wasm, cpu/);
  });

  it('GIVEN auto THEN the first TensorFlow.js backend that starts is chosen, and missing native packages are skipped without a crash', async () => {
    const choice = await chooseBackend('auto');
    expect(tf.getBackend()).toBe(choice.tfBackend);
    expect(describeBackend(choice)).toContain(choice.name);
    if (!isInstalled('tfjs-node-gpu') && !isInstalled('tfjs-node')) {
      // This machine: neither native package can install.
      expect(choice.name).toBe('wasm');
      expect(choice.skipped).toEqual([
        { name: 'tfjs-node-gpu', error: 'not installed' },
        { name: 'tfjs-node', error: 'not installed' },
      ]);
      expect(choice.reason).toContain('tfjs-node-gpu: not installed');
      // ONNX Runtime is a dependency, so it is what a worker plans to try first.
      expect(plannedBackend('auto')).toBe('onnxruntime');
    }
    if (choice.name !== 'tfjs-node-gpu') expect(choice.usingGpu).toBe(false);
  });

  it('GIVEN a preference THEN that backend is used, and switching back works', async () => {
    expect((await chooseBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await chooseBackend('wasm');
    expect(wasm).toMatchObject({ name: 'wasm', tfBackend: 'wasm', skipped: [] });
    expect(wasm.reason).toContain('as configured');
    expect(Array.from(await tf.add(tf.scalar(1), tf.scalar(2)).data())).toEqual([3]);
  });

  it('GIVEN the planned backend THEN native backends get 1 worker and wasm/cpu one per core', () => {
    expect(defaultWorkerCount('tfjs-node-gpu')).toBe(1);
    expect(defaultWorkerCount('tfjs-node')).toBe(1);
    // ONNX Runtime: one worker with an intra-op thread per core (or the GPU).
    expect(defaultWorkerCount('onnxruntime')).toBe(1);
    expect(defaultWorkerCount('wasm')).toBeGreaterThanOrEqual(1);
  });
});
