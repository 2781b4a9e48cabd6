// A minimal Redis client: RESP2 over a TCP or unix socket, one command at a time. Enough for
// AUTH, SAVE, BGSAVE, LASTSAVE, INFO and CONFIG GET, without a dependency.
import { createConnection, type Socket } from 'node:net';
import { PantherError } from '../../core/errors.ts';

export type RespValue = string | number | null | RespValue[];

export interface RedisAddress {
  host?: string;
  port?: number;
  /** Unix socket path; wins over host/port. */
  socket?: string;
}

export interface RespClient {
  /** Sends one command; a Redis error reply rejects with PantherError 'redis-error'. */
  command(...args: string[]): Promise<RespValue>;
  close(): void;
}

export function describeAddress(addr: RedisAddress): string {
  return addr.socket ?? `${addr.host ?? '127.0.0.1'}:${addr.port ?? 6379}`;
}

export async function connectRedis(addr: RedisAddress, signal: AbortSignal): Promise<RespClient> {
  const where = describeAddress(addr);
  const socket = addr.socket !== undefined
    ? createConnection({ path: addr.socket })
    : createConnection({ host: addr.host ?? '127.0.0.1', port: addr.port ?? 6379 });
  const onAbort = (): void => { socket.destroy(new Error('aborted')); };
  signal.addEventListener('abort', onAbort, { once: true });
  socket.once('close', () => signal.removeEventListener('abort', onAbort));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (error: NodeJS.ErrnoException) => reject(new PantherError('redis-unreachable', `cannot connect to Redis at ${where}: ${error.code ?? error.message}`, {
      subject: where, cause: error, hint: 'is redis-server running, and are host/port/socket in the hook right?',
    })));
  });
  return client(socket, where);
}

function client(socket: Socket, where: string): RespClient {
  let buffer = Buffer.alloc(0);
  const waiting: Array<{ resolve: (v: RespValue) => void; reject: (e: Error) => void }> = [];
  const failAll = (error: Error): void => {
    for (const w of waiting.splice(0)) w.reject(error);
  };
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      let parsed: ReturnType<typeof parseReply>;
      try {
        parsed = parseReply(buffer, 0);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      if (parsed === null) return;
      buffer = buffer.subarray(parsed.end);
      const w = waiting.shift();
      if (w === undefined) continue;
      if (parsed.value instanceof Error) w.reject(new PantherError('redis-error', `Redis at ${where}: ${parsed.value.message}`, { subject: where }));
      else w.resolve(parsed.value);
    }
  });
  socket.on('error', (error) => failAll(new PantherError('redis-unreachable', `Redis at ${where}: ${error.message}`, { subject: where, cause: error })));
  socket.on('close', () => {
    closed = true;
    failAll(new PantherError('redis-unreachable', `Redis at ${where} closed the connection`, { subject: where }));
  });
  return {
    command: (...args) => new Promise<RespValue>((resolve, reject) => {
      if (closed) {
        reject(new PantherError('redis-unreachable', `Redis at ${where}: connection already closed`, { subject: where }));
        return;
      }
      waiting.push({ resolve, reject });
      socket.write(encodeCommand(args));
    }),
    close: () => { socket.destroy(); },
  };
}

export function encodeCommand(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
  return Buffer.from(parts.join(''));
}

/** One reply starting at `start`, or null when the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, start: number): { value: RespValue | Error; end: number } | null {
  const eol = buf.indexOf('\r\n', start);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[start]!);
  const line = buf.toString('utf8', start + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+': return { value: line, end: next };
    case '-': return { value: new Error(line), end: next };
    case ':': return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (item === null) return null;
        // An error inside an array (EXEC) is kept as text; we never send such commands.
        items.push(item.value instanceof Error ? item.value.message : item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default: throw new PantherError('redis-protocol', `unexpected RESP reply type ${JSON.stringify(type)}`);
  }
}
