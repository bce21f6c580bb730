import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend, describeBackend } from '../../src/gan/backend.ts';
import { backendCandidates, defaultWorkerCount, isInstalled, ortMayUseCuda, parseBackendPreference, plannedBackend } from '../../src/gan/backend-plan.ts';

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

  it('GIVEN the planned backend THEN ONNX Runtime on CPU gets 2 workers where there are 2 cores, a GPU and native tfjs 1, wasm/cpu one per core', () => {
    expect(defaultWorkerCount('tfjs-node-gpu', 8)).toBe(1);
    expect(defaultWorkerCount('tfjs-node', 8)).toBe(1);
    expect(defaultWorkerCount('onnxruntime', 8, false)).toBe(2);
    expect(defaultWorkerCount('onnxruntime', 2, false)).toBe(2);
    expect(defaultWorkerCount('onnxruntime', 1, false)).toBe(1);
    expect(defaultWorkerCount('onnxruntime', 8, true)).toBe(1);
    expect(defaultWorkerCount('wasm', 3)).toBe(3);
    expect(defaultWorkerCount('cpu', 1)).toBe(1);
  });

  it('GIVEN GFF_ORT_PROVIDER=cpu THEN ONNX Runtime is not counted on a GPU', () => {
    expect(ortMayUseCuda({ GFF_ORT_PROVIDER: 'cpu' })).toBe(false);
  });
});
