import { createHash } from 'node:crypto';
import { matchPath } from './http.ts';

export type Fault =
  | {
      status: 429;
      /** Seconds, as in Discord's `retry_after`; keep it small in tests. Default 0.05. */
      retryAfter?: number;
      global?: boolean;
    }
  | { status: number; body?: unknown };

/**
 * `'PATCH /webhooks/:app/:token/messages/@original'` (method optional, `*`/`:name` match one
 * path segment, path relative to `/api/v10`), or a RegExp tested against `'METHOD /path'`.
 */
export type RoutePattern = string | RegExp;

export interface FaultHandle {
  readonly pattern: RoutePattern;
  readonly fault: Fault;
  /** Faults still to inject. */
  remaining: number;
  /** How many requests this fault has answered so far. */
  hits: number;
}

export interface FaultResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class FaultInjector {
  private readonly active: FaultHandle[] = [];

  add(pattern: RoutePattern, fault: Fault, times: number): FaultHandle {
    const handle: FaultHandle = { pattern, fault, remaining: times, hits: 0 };
    this.active.push(handle);
    return handle;
  }

  clear(): void {
    this.active.length = 0;
  }

  /** Consumes one matching fault, oldest first. */
  take(method: string, path: string): FaultResponse | undefined {
    const handle = this.active.find((h) => h.remaining > 0 && matches(h.pattern, method, path));
    if (!handle) return undefined;
    handle.remaining--;
    handle.hits++;
    if (handle.remaining === 0) this.active.splice(this.active.indexOf(handle), 1);
    return render(handle.fault, path);
  }
}

function matches(pattern: RoutePattern, method: string, path: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(`${method} ${path}`);
  const space = pattern.indexOf(' ');
  const wantMethod = space > 0 ? pattern.slice(0, space).toUpperCase() : undefined;
  const wantPath = space > 0 ? pattern.slice(space + 1) : pattern;
  if (wantMethod && wantMethod !== method) return false;
  return matchPath(wantPath.split('?')[0]!, path) !== null;
}

function render(fault: Fault, path: string): FaultResponse {
  if (fault.status === 429) {
    const retryAfter = 'retryAfter' in fault && fault.retryAfter !== undefined ? fault.retryAfter : 0.05;
    const global = 'global' in fault && fault.global === true;
    const headers: Record<string, string> = {
      // @discordjs/rest reads these to decide how long to wait before retrying by itself.
      'retry-after': String(retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(retryAfter),
      'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
      'x-ratelimit-bucket': `loopback-${createHash('sha1').update(path).digest('hex').slice(0, 16)}`,
      'x-ratelimit-scope': global ? 'global' : 'user',
    };
    // discord.js treats the mere presence of this header as "global", whatever its value.
    if (global) headers['x-ratelimit-global'] = 'true';
    return {
      status: 429,
      headers,
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global, ...(global ? { code: 0 } : {}) },
    };
  }
  const body = 'body' in fault && fault.body !== undefined ? fault.body : { message: `${fault.status}: Loopback fault`, code: 0 };
  return { status: fault.status, headers: {}, body };
}
