// `--listen HOST:PORT` for the exporter: loopback unless the user says otherwise, because /metrics
// names the host's subvolumes and devices and has no authentication.
import { isIP } from 'node:net';
import { ExitCode, PantherError } from '../../core/errors.ts';

export const DEFAULT_LISTEN = '127.0.0.1:9977';

export interface ListenAddress {
  host: string;
  port: number;
  loopback: boolean;
}

function bad(text: string, why: string): PantherError {
  return new PantherError('usage', `--listen ${text.slice(0, 80)}: ${why}`, {
    exitCode: ExitCode.usage, hint: `give HOST:PORT with an IP address, e.g. ${DEFAULT_LISTEN} or [::1]:9977 (port 0: any free port)`,
  });
}

export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./i.test(host);
}

/** "127.0.0.1:9977", "[::1]:9977", ":9977" (loopback). Names are refused: what they resolve to can change. */
export function parseListen(text: string, allowRemote: boolean): ListenAddress {
  const m = /^(?:\[([^\]]*)\]|([^:\[\]]*)):(\d{1,5})$/.exec(text);
  if (!m) throw bad(text, 'not HOST:PORT');
  const host = m[1] ?? (m[2] === '' ? '127.0.0.1' : m[2]!);
  if (isIP(host) === 0) throw bad(text, `${host} is not an IP address`);
  const port = Number(m[3]);
  if (port > 65535) throw bad(text, `${port} is not a port`);
  const loopback = isLoopback(host);
  if (!loopback && !allowRemote) {
    throw new PantherError('metrics-listen-remote', `refusing to serve /metrics on ${host}: it is not a loopback address, and /metrics has no authentication`, {
      exitCode: ExitCode.usage, hint: 'scrape it through the local agent on 127.0.0.1, or add --allow-remote if a firewall guards the port',
    });
  }
  return { host, port, loopback };
}
