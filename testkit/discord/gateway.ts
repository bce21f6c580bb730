import { EventEmitter, once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { shardOfGuild, type ApiObject } from './fixtures.ts';
import { snowflake } from './snowflake.ts';

const OP = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  PRESENCE: 3,
  VOICE: 4,
  RESUME: 6,
  RECONNECT: 7,
  REQUEST_MEMBERS: 8,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
} as const;

/** Events kept per session for RESUME replay; plenty for a test. */
const REPLAY_LIMIT = 1000;

interface Dispatch {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** [shard id, shard count], as IDENTIFY carries it. */
export type ShardTuple = [id: number, count: number];

interface Session {
  id: string;
  shard: ShardTuple;
  seq: number;
  log: Dispatch[];
  socket?: WebSocket;
  /** Set once READY or RESUMED went out on the current socket. */
  live: boolean;
}

export interface GatewayOptions {
  token: string;
  heartbeatIntervalMs: number;
  url: () => string;
  /** READY's `d` minus session fields, for the shard identifying (its guilds only). */
  readyData: (shard: ShardTuple) => ApiObject;
  /** Dispatches that follow READY on a fresh session (GUILD_CREATE for the shard's guilds). */
  afterReady: (shard: ShardTuple) => Array<{ t: string; d: unknown }>;
}

export interface GatewayStats {
  connections: number;
  identifies: number;
  resumes: number;
  heartbeats: number;
  /** IDENTIFY payloads as received (token included), newest last. */
  identifyPayloads: ApiObject[];
}

export interface DropOptions {
  /** Close code; 4000 (unknown error) makes discord.js resume. Ignored with `terminate`. */
  code?: number;
  /** Kill the TCP connection without a close frame, like a network failure. */
  terminate?: boolean;
  /** Forget the session as well, so the client's RESUME gets op 9 and it must IDENTIFY again. */
  invalidate?: boolean;
}

/**
 * The gateway half: HELLO/IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME
 * replay, and shards: each IDENTIFY names [shard id, count]; a guild's events go to the shard
 * (guild_id >> 22) % count, as Discord routes them, and events without a guild to shard 0.
 */
export class Gateway extends EventEmitter {
  private readonly wss = new WebSocketServer({ noServer: true });
  /** Every session by id, for RESUME. */
  private readonly sessions = new Map<string, Session>();
  /** Where each shard id's events go: the session that last identified or resumed as that shard
   * (an older one for the same id keeps its socket but gets nothing, as a replaced client would). */
  private readonly byShard = new Map<number, Session>();
  /** The shard count of the latest IDENTIFY: how guilds are routed. */
  private shardCount = 1;
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, identifyPayloads: [] };

  constructor(private readonly options: GatewayOptions) {
    super();
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Shard 0's session id (the only shard of an unsharded bot). */
  get sessionId(): string | undefined {
    return this.byShard.get(0)?.id;
  }

  get isLive(): boolean {
    return this.isShardLive(0);
  }

  isShardLive(shard: number): boolean {
    const session = this.byShard.get(shard);
    return Boolean(session?.live && session.socket?.readyState === WebSocket.OPEN);
  }

  /** Shard ids with a session whose socket is open and past READY/RESUMED, ascending. */
  get liveShards(): number[] {
    return [...this.byShard.keys()].filter((id) => this.isShardLive(id)).sort((a, b) => a - b);
  }

  /** The shard that gets a guild's events under the current shard count; shard 0 without a guild (DMs). */
  shardOf(guildId: string | undefined): number {
    return guildId === undefined ? 0 : shardOfGuild(guildId, this.shardCount);
  }

  /**
   * Sends an event to a shard's current session (shard 0 by default). While its socket is down
   * the event waits in the session log and is replayed on RESUME, as Discord does.
   */
  dispatch(t: string, d: unknown, shard = 0): number {
    const session = this.byShard.get(shard);
    if (!session) {
      const which = this.shardCount > 1 || shard !== 0 ? ` for shard ${shard} (of ${this.shardCount})` : '';
      throw new Error(`No bot session${which} on the loopback gateway: log the client in and wait for ready first`);
    }
    return this.dispatchTo(session, t, d);
  }

  /** Resolves once the shard (default 0) has a session whose socket is open; returns its id. */
  async waitForReady(timeoutMs = 10_000, shard = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isShardLive(shard)) {
      await this.waitEvent('live', Math.max(1, deadline - Date.now()), shard === 0 ? 'the bot to IDENTIFY or RESUME' : `shard ${shard} to IDENTIFY or RESUME`);
    }
    return this.byShard.get(shard)!.id;
  }

  /** Resolves on the next successful RESUME (call it before causing the drop). */
  async waitForResume(timeoutMs = 10_000): Promise<void> {
    await this.waitEvent('resumed', timeoutMs, 'the bot to RESUME');
  }

  private async waitEvent(event: string, timeoutMs: number, what: string): Promise<void> {
    try {
      await once(this, event, { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      const s = this.stats;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (connections ${s.connections}, identifies ${s.identifies}, resumes ${s.resumes})`);
    }
  }

  drop(options: DropOptions = {}, shard = 0): void {
    const session = this.byShard.get(shard);
    if (!session?.socket) throw new Error(`No connected gateway session${shard ? ` for shard ${shard}` : ''} to drop`);
    const socket = session.socket;
    session.socket = undefined;
    session.live = false;
    if (options.invalidate) {
      this.sessions.delete(session.id);
      this.byShard.delete(shard);
    }
    if (options.terminate) socket.terminate();
    else socket.close(options.code ?? 4000, 'Loopback dropped the connection');
  }

  /** Op 7: Discord asking the client to reconnect and resume. */
  requestReconnect(shard = 0): void {
    this.byShard.get(shard)?.socket?.send(JSON.stringify({ op: OP.RECONNECT, d: null, s: null, t: null }));
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.sessions.clear();
    this.byShard.clear();
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    this.stats.connections++;
    const params = new URL(req.url ?? '/', 'http://loopback').searchParams;
    if (params.get('encoding') && params.get('encoding') !== 'json') {
      socket.close(4002, 'Only JSON encoding is supported by the loopback');
      return;
    }
    if (params.get('compress')) {
      socket.close(4000, 'Transport compression is not supported by the loopback');
      return;
    }
    let authenticated = false;
    const send = (payload: unknown) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(payload));
    send({ op: OP.HELLO, d: { heartbeat_interval: this.options.heartbeatIntervalMs }, s: null, t: null });

    socket.on('message', (raw) => {
      let payload: ApiObject;
      try {
        payload = JSON.parse(raw.toString()) as ApiObject;
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      switch (payload.op) {
        case OP.HEARTBEAT:
          this.stats.heartbeats++;
          send({ op: OP.HEARTBEAT_ACK, d: null, s: null, t: null });
          return;
        case OP.IDENTIFY: {
          if (authenticated) return void socket.close(4005, 'Already authenticated');
          if (payload.d?.token !== this.options.token) return void socket.close(4004, 'Authentication failed');
          const shard = this.checkShard(payload.d.shard);
          if (typeof shard === 'string') return void socket.close(4010, shard);
          authenticated = true;
          this.identify(socket, payload.d, shard);
          return;
        }
        case OP.RESUME:
          if (authenticated) return void socket.close(4005, 'Already authenticated');
          if (payload.d?.token !== this.options.token) return void socket.close(4004, 'Authentication failed');
          authenticated = this.resume(socket, payload.d);
          return;
        case OP.PRESENCE:
        case OP.VOICE:
        case OP.REQUEST_MEMBERS:
          if (!authenticated) socket.close(4003, 'Not authenticated');
          return;
        default:
          socket.close(4001, 'Unknown opcode');
      }
    });
    socket.on('close', () => {
      for (const session of this.sessions.values()) {
        if (session.socket === socket) {
          session.socket = undefined;
          session.live = false;
        }
      }
    });
  }

  /**
   * IDENTIFY's `shard` as [id, count] (absent: [0, 1]), or why Discord would close with 4010
   * Invalid shard. The loopback routes by one count at a time, so a count that disagrees with
   * another live shard's is refused too: two counts at once would split guilds two ways.
   */
  private checkShard(raw: unknown): ShardTuple | string {
    if (raw === undefined || raw === null) return [0, 1];
    if (!Array.isArray(raw) || raw.length !== 2 || !raw.every((n) => Number.isInteger(n))) return 'Invalid shard';
    const [id, count] = raw as ShardTuple;
    if (count < 1 || id < 0 || id >= count) return 'Invalid shard';
    for (const [other, session] of this.byShard) {
      if (other !== id && this.isShardLive(other) && session.shard[1] !== count)
        return `Invalid shard: count ${count}, but shard ${other} runs with ${session.shard[1]}`;
    }
    return [id, count];
  }

  private identify(socket: WebSocket, d: ApiObject, shard: ShardTuple): void {
    this.stats.identifies++;
    this.stats.identifyPayloads.push(d);
    const session: Session = { id: snowflake(), shard, seq: 0, log: [], socket, live: false };
    this.sessions.set(session.id, session);
    this.byShard.set(shard[0], session);
    this.shardCount = shard[1];
    this.dispatchTo(session, 'READY', {
      v: 10,
      ...this.options.readyData(shard),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.url(),
      shard,
    });
    session.live = true;
    for (const { t, d: data } of this.options.afterReady(shard)) this.dispatchTo(session, t, data);
    this.emit('live');
    this.emit('ready');
  }

  private resume(socket: WebSocket, d: ApiObject): boolean {
    const session = this.sessions.get(d.session_id);
    if (!session) {
      socket.send(JSON.stringify({ op: OP.INVALID_SESSION, d: false, s: null, t: null }));
      return false;
    }
    if (session.socket && session.socket !== socket) session.socket.terminate();
    this.stats.resumes++;
    session.socket = socket;
    this.byShard.set(session.shard[0], session);
    const since = Number(d.seq ?? 0);
    for (const event of session.log) {
      if (event.s > since) socket.send(JSON.stringify(event));
    }
    this.dispatchTo(session, 'RESUMED', null);
    session.live = true;
    this.emit('live');
    this.emit('resumed');
    return true;
  }

  private dispatchTo(session: Session, t: string, d: unknown): number {
    const event: Dispatch = { op: OP.DISPATCH, t, s: ++session.seq, d };
    session.log.push(event);
    if (session.log.length > REPLAY_LIMIT) session.log.shift();
    // Before READY/RESUMED the socket only carries the handshake; queued events go out on resume.
    const socket = session.socket;
    if (socket?.readyState === WebSocket.OPEN && (session.live || t === 'READY' || t === 'RESUMED')) {
      socket.send(JSON.stringify(event));
    }
    return event.s;
  }
}
