// The raw Redis baseline of bench:routing: the exact Redis commands one dispatch script ran (recorded with
// MONITOR, which shows the commands a script issues), replayed by a generated Lua script with none of the
// dispatch's logic. Its rate is what Redis itself allows for that work; the dispatch's rate divided by it says
// how much of that the routing logic (its Lua, reply parsing, the client) leaves.
import { connect as connectTcp, type Socket } from 'node:net';

import { type Redis } from 'ioredis';

export interface RecordedCommand {
  /** Upper-case command name. */
  name: string;
  /** Arguments as byte strings (latin1: one char per byte). */
  args: string[];
}

export interface RawBaselineScript {
  /** Lua source: one redis.call per recorded command, nothing else. */
  source: string;
  keys: string[];
  /** Commands per run, and how many of them write. */
  commands: number;
  writes: number;
  /** Command name → count, e.g. { ZRANGEBYLEX: 9, HMGET: 4 }. */
  byName: Record<string, number>;
}

/**
 * Records the commands a script runs against `keyPrefix` during `action` (which must run exactly one script
 * touching those keys). Uses its own connection in MONITOR mode, parsed here: MONITOR escapes bytes the way
 * sdscatrepr does (\\, \", \n, \r, \t, \a, \b, \xHH), and ZRANGEBYLEX bounds hold a \xff byte. Plain redis:// only (no TLS).
 */
export async function recordScriptCommands(
  redisUrl: string,
  keyPrefix: string,
  action: () => Promise<void>,
  marker: () => Promise<void>,
  markerText: string,
): Promise<RecordedCommand[]> {
  const url = new URL(redisUrl);
  const socket = await openSocket(url.hostname || '127.0.0.1', Number(url.port || 6379));
  try {
    const auth = url.password ? [...(url.username ? [decodeURIComponent(url.username)] : []), decodeURIComponent(url.password)] : [];
    const lines: string[] = [];
    let buffer = '';
    let oks = 0;
    let ready: () => void = () => undefined;
    let markerSeen: () => void = () => undefined;
    let failed: (error: Error) => void = () => undefined;
    const monitoring = new Promise<void>((resolve) => (ready = resolve));
    const marked = new Promise<void>((resolve) => (markerSeen = resolve));
    const failure = new Promise<never>((_, reject) => (failed = reject));
    // Raced below; handled here too, so a refusal while the action runs is not an unhandled rejection.
    failure.catch(() => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line === '+OK') {
          oks += 1;
          if (oks === (auth.length > 0 ? 2 : 1)) ready();
        } else if (line.startsWith('-')) {
          failed(new Error(`MONITOR refused: ${line}`));
        } else {
          lines.push(line);
          if (line.includes(markerText)) markerSeen();
        }
      }
    });
    if (auth.length > 0) socket.write(resp(['AUTH', ...auth]));
    socket.write(resp(['MONITOR']));
    await Promise.race([monitoring, failure]);
    await action();
    // The marker command goes after the script on the same server: once MONITOR shows it, the script's lines are in.
    await marker();
    await Promise.race([withTimeout(marked, 10_000, 'MONITOR never showed the marker'), failure]);
    return lines
      .map(parseMonitorLine)
      .filter((entry): entry is { source: string; command: RecordedCommand } => entry !== undefined)
      .filter(({ source, command }) => source === 'lua' && command.args.some((arg) => arg.startsWith(keyPrefix)))
      .map(({ command }) => command);
  } finally {
    socket.destroy();
  }
}

/**
 * A Lua script that issues the recorded commands in order with the same arguments. Reads hit the same keys;
 * writes are sent to scratch keys (`<prefix>raw:<name>`) so replaying changes no routing state. Writes to
 * fresh scratch keys are no dearer than the real ones, so the baseline is, if anything, flattering.
 */
export async function rawBaselineScript(redis: Redis, recorded: readonly RecordedCommand[], keyPrefix: string): Promise<RawBaselineScript> {
  const writes = new Set<string>();
  for (const name of new Set(recorded.map((command) => command.name))) {
    if (await isWriteCommand(redis, name)) writes.add(name);
  }
  const keys: string[] = [];
  const keyIndex = (key: string): number => {
    let index = keys.indexOf(key);
    if (index < 0) {
      keys.push(key);
      index = keys.length - 1;
    }
    return index + 1;
  };
  const byName: Record<string, number> = {};
  const lines = recorded.map((command) => {
    byName[command.name] = (byName[command.name] ?? 0) + 1;
    const write = writes.has(command.name);
    const args = command.args.map((arg) => {
      if (!arg.startsWith(keyPrefix)) return luaString(arg);
      return `KEYS[${keyIndex(write ? `${keyPrefix}raw:${arg.slice(keyPrefix.length)}` : arg)}]`;
    });
    return `redis.call(${[luaString(command.name), ...args].join(', ')})`;
  });
  return {
    source: `${lines.join('\n')}\nreturn 1\n`,
    keys,
    commands: recorded.length,
    writes: recorded.filter((command) => writes.has(command.name)).length,
    byName,
  };
}

async function isWriteCommand(redis: Redis, name: string): Promise<boolean> {
  const info = (await redis.call('COMMAND', 'INFO', name)) as unknown[];
  const entry = info[0];
  if (!Array.isArray(entry)) throw new Error(`unknown command ${name}`);
  const flags = entry[2];
  return Array.isArray(flags) && flags.some((flag) => String(flag) === 'write');
}

/** `1700000000.123456 [0 lua] "ZCARD" "perch:{t}:available"` → source and command. */
function parseMonitorLine(line: string): { source: string; command: RecordedCommand } | undefined {
  const match = /^\+[\d.]+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!match) return undefined;
  const [, client, rest] = match;
  if (client === undefined || rest === undefined) return undefined;
  const tokens: string[] = [];
  let i = 0;
  while (i < rest.length) {
    if (rest[i] !== '"') {
      i += 1;
      continue;
    }
    i += 1;
    let token = '';
    while (i < rest.length && rest[i] !== '"') {
      const c = rest[i] ?? '';
      if (c === '\\') {
        const next = rest[i + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '\\': '\\', '"': '"' };
        if (next === 'x') {
          token += String.fromCharCode(parseInt(rest.slice(i + 2, i + 4), 16));
          i += 4;
        } else {
          token += simple[next] ?? next;
          i += 2;
        }
      } else {
        token += c;
        i += 1;
      }
    }
    tokens.push(token);
    i += 1;
  }
  const [name, ...args] = tokens;
  if (name === undefined) return undefined;
  return { source: client, command: { name: name.toUpperCase(), args } };
}

/** A Lua string literal of a byte string: printable ASCII as is, every other byte as \ddd. */
function luaString(bytes: string): string {
  let out = "'";
  for (let i = 0; i < bytes.length; i += 1) {
    const code = bytes.charCodeAt(i);
    out += code >= 0x20 && code < 0x7f && code !== 0x27 && code !== 0x5c ? bytes[i] : `\\${String(code).padStart(3, '0')}`;
  }
  return `${out}'`;
}

function resp(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
