/**
 * A throwaway PostgreSQL server for tests: its own data folder under the temp dir, on a free
 * port of 127.0.0.1, trust authentication, fsync off (a test database need not survive a
 * power cut; commits stay synchronous, so that an immediate stop — an outage — loses none). Each test file starts its own, so files run in parallel without sharing state,
 * and a test may stop and start it to play an outage. Needs the server binaries (Debian:
 * apt-get install postgresql); `postgresAvailability()` says why not when they are missing.
 * As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DEB_ROOT = '/usr/lib/postgresql';

/** The folder holding initdb and pg_ctl: pg_config's answer, else Debian's newest version. */
function findBinDir(): string | undefined {
  const viaConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = viaConfig.status === 0 ? viaConfig.stdout.trim() : '';
  if (dir && existsSync(join(dir, 'initdb'))) return dir;
  if (!existsSync(DEB_ROOT)) return undefined;
  const versions = readdirSync(DEB_ROOT)
    .filter((v) => existsSync(join(DEB_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(DEB_ROOT, versions[0], 'bin') : undefined;
}

/** Who runs the server: us, or `postgres` when we are root. */
function serverUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
}

/** undefined when a private server can be started here, else the reason it cannot. */
export function postgresAvailability(): string | undefined {
  if (!findBinDir()) return 'PostgreSQL server binaries not found (apt-get install postgresql)';
  if (process.getuid?.() === 0 && !serverUser()) return 'running as root and there is no postgres user to run the server as';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export class TestPostgres {
  private constructor(
    private readonly bin: string,
    private readonly dataDir: string,
    private readonly root: string,
    readonly port: number,
    private readonly user: ReturnType<typeof serverUser>,
  ) {}

  /** Creates a cluster and starts it (≈ 2–4 s). */
  static async start(): Promise<TestPostgres> {
    const why = postgresAvailability();
    if (why) throw new Error(why);
    const bin = findBinDir()!;
    const user = serverUser();
    const root = mkdtempSync(join(tmpdir(), 'gff-pg-'));
    const dataDir = join(root, 'data');
    if (user) {
      chownSync(root, user.uid, user.gid);
      chmodSync(root, 0o700);
    }
    const server = new TestPostgres(bin, dataDir, root, await freePort(), user);
    server.as('initdb', ['-D', dataDir, '-U', 'gff', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    await server.startServer();
    return server;
  }

  /** Runs a server binary as the server's user. */
  private as(tool: string, args: string[]): string {
    const exe = join(this.bin, tool);
    const [cmd, argv] = this.user ? ['runuser', ['-u', this.user.name, '--', exe, ...args]] : [exe, args];
    try {
      return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: this.root });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`${tool} failed: ${err.stderr?.trim() || err.message}`);
    }
  }

  /** Starts (again, after stop) on the same port and data; resolves when it takes connections. */
  async startServer(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.root} -c fsync=off -c full_page_writes=off -c max_connections=200`;
    this.as('pg_ctl', ['-D', this.dataDir, '-l', join(this.root, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
  }

  /** Stops the server at once (clients see their connections cut), as an outage would. */
  async stopServer(): Promise<void> {
    this.as('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /**
   * Freezes the server (SIGSTOP to the postmaster and every backend) without closing anything:
   * a hung host, not a down one — connections stay open, connection attempts are accepted by
   * the kernel and then nothing answers. `resumeServer` (SIGCONT) lets it go on.
   */
  pauseServer(): void {
    const postmaster = this.postmasterPid();
    process.kill(postmaster, 'SIGSTOP'); // first, so that it forks no new backend meanwhile
    for (const pid of this.backendPids(postmaster)) signalIfAlive(pid, 'SIGSTOP');
  }

  resumeServer(): void {
    const postmaster = this.postmasterPid();
    for (const pid of this.backendPids(postmaster)) signalIfAlive(pid, 'SIGCONT');
    process.kill(postmaster, 'SIGCONT');
  }

  private postmasterPid(): number {
    const pid = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error('the test server is not running');
    return pid;
  }

  /** The postmaster's children (backends, checkpointer, writers …), from /proc. */
  private backendPids(postmaster: number): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so parse after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === postmaster) pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  }

  /** A URL for database `name` (created on first use by `createDatabase`). */
  url(name = 'postgres'): string {
    return `postgres://gff@127.0.0.1:${this.port}/${name}`;
  }

  /** A new empty database; returns its URL. */
  createDatabase(name: string): string {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    this.as('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'gff', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${name}`]);
    return this.url(name);
  }

  /** Stops the server and deletes its folder. */
  async destroy(): Promise<void> {
    try {
      await this.stopServer();
    } catch {
      // already stopped
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Whether the PostgreSQL tests run here. They skip with a note where no server can be
 * started, unless GFF_REQUIRE_POSTGRES=1 (CI) makes that a failure, as for PyTorch.
 */
export function postgresTestsEnabled(): boolean {
  const why = postgresAvailability();
  if (!why) return true;
  if (process.env.GFF_REQUIRE_POSTGRES === '1') throw new Error(`GFF_REQUIRE_POSTGRES=1 but ${why}`);
  console.warn(`PostgreSQL tests skipped: ${why}`);
  return false;
}

/**
 * Signals a backend found in /proc a moment ago. A backend whose client has just closed exits
 * between the listing and the signal (CI saw `kill ESRCH` in an afterAll); one that is gone
 * needs no signal.
 */
function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}
