import { EventEmitter, once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ApiObject } from './fixtures.ts';
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

interface Session {
  id: string;
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
  /** READY's `d` minus session fields. */
  readyData: () => ApiObject;
  /** Dispatches that follow READY on a fresh session (GUILD_CREATE). */
  afterReady: () => Array<{ t: string; d: unknown }>;
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

/** The gateway half: HELLO/IDENTIFY/READY, heartbeats, dispatch with sequence numbers, RESUME replay. */
export class Gateway extends EventEmitter {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private active?: Session;
  readonly stats: GatewayStats = { connections: 0, identifies: 0, resumes: 0, heartbeats: 0, identifyPayloads: [] };

  constructor(private readonly options: GatewayOptions) {
    super();
    this.wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  get sessionId(): string | undefined {
    return this.active?.id;
  }

  get isLive(): boolean {
    return Boolean(this.active?.live && this.active.socket?.readyState === WebSocket.OPEN);
  }

  /**
   * Sends an event to the bot's current session. While its socket is down the event waits in
   * the session log and is replayed on RESUME, as Discord does.
   */
  dispatch(t: string, d: unknown): number {
    const session = this.active;
    if (!session) throw new Error('No bot session on the loopback gateway: log the client in and wait for ready first');
    return this.dispatchTo(session, t, d);
  }

  async waitForReady(timeoutMs = 10_000): Promise<string> {
    if (!this.isLive) await this.waitEvent('live', timeoutMs, 'the bot to IDENTIFY or RESUME');
    return this.active!.id;
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

  drop(options: DropOptions = {}): void {
    const session = this.active;
    if (!session?.socket) throw new Error('No connected gateway session to drop');
    const socket = session.socket;
    session.socket = undefined;
    session.live = false;
    if (options.invalidate) {
      this.sessions.delete(session.id);
      this.active = undefined;
    }
    if (options.terminate) socket.terminate();
    else socket.close(options.code ?? 4000, 'Loopback dropped the connection');
  }

  /** Op 7: Discord asking the client to reconnect and resume. */
  requestReconnect(): void {
    this.active?.socket?.send(JSON.stringify({ op: OP.RECONNECT, d: null, s: null, t: null }));
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.sessions.clear();
    this.active = undefined;
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
        case OP.IDENTIFY:
          if (authenticated) return void socket.close(4005, 'Already authenticated');
          if (payload.d?.token !== this.options.token) return void socket.close(4004, 'Authentication failed');
          authenticated = true;
          this.identify(socket, payload.d);
          return;
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

  private identify(socket: WebSocket, d: ApiObject): void {
    this.stats.identifies++;
    this.stats.identifyPayloads.push(d);
    const session: Session = { id: snowflake(), seq: 0, log: [], socket, live: false };
    this.sessions.set(session.id, session);
    this.active = session;
    this.dispatchTo(session, 'READY', {
      v: 10,
      ...this.options.readyData(),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.options.url(),
      shard: d.shard ?? [0, 1],
    });
    session.live = true;
    for (const { t, d: data } of this.options.afterReady()) this.dispatchTo(session, t, data);
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
    this.active = session;
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
