/**
 * A fresh `npm ci` prints nothing a user must puzzle over (issue 30, item 2): no project config
 * npm does not know (npm 11 warns "Unknown project config" on every command), every dependency
 * with an install script reviewed in package.json's allowScripts, and onnxruntime-node's
 * script (its only job: downloading CUDA libraries) denied.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

function run(cmd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('install policy', () => {
  it('GIVEN the lockfile THEN every dependency with an install script is allowed or denied in allowScripts', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, v]) => v.hasInstallScript)
      .map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) expect(typeof pkg.allowScripts?.[name], name).toBe('boolean');
  });

  it('GIVEN onnxruntime-node THEN its CUDA download script is denied', () => {
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });

  it('GIVEN the project folder THEN npm reads its config without a warning', async () => {
    const rc = path.join(root, '.npmrc');
    if (existsSync(rc)) {
      // Only npm's own keys belong here; onnxruntime-node's flag made npm 11 warn on every command.
      expect(readFileSync(rc, 'utf8')).not.toMatch(/onnxruntime/);
    }
    const { code, stderr } = await run('npm', ['config', 'get', 'registry']);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/Unknown project config|npm warn/i);
  });
});
