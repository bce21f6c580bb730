import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { MAX_WORKERS } from '../src/gan/backend-plan.ts';

describe('config', () => {
  it('GIVEN GFF_WORKERS above the bound the CLI has THEN one clear line, as gff --workers says', () => {
    expect(loadConfig({ GFF_WORKERS: String(MAX_WORKERS) }).GFF_WORKERS).toBe(MAX_WORKERS);
    expect(() => loadConfig({ GFF_WORKERS: String(MAX_WORKERS + 1) })).toThrow(ConfigError);
    expect(() => loadConfig({ GFF_WORKERS: '65' })).toThrow(/GFF_WORKERS="65"/);
  });
});
