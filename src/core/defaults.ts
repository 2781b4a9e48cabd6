// Where panther looks when nothing is passed: the version, the environment variables that stand in
// for flags, and the default paths. Every command, help text and hint takes them from here, so a
// default changed once is changed everywhere (the help text and the code cannot disagree).
import pkg from '../../package.json' with { type: 'json' };

/** package.json's version: the one number `--version`, crash reports and the bench print. */
export const VERSION: string = pkg.version;

/** Environment variables that stand in for a flag when the flag is not given. */
export const ENV = {
  plan: 'PANTHER_PLAN',
  repo: 'PANTHER_REPO',
  stateDir: 'PANTHER_STATE_DIR',
  passphraseFile: 'PANTHER_PASSPHRASE_FILE',
  readTokenFile: 'PANTHER_READ_TOKEN_FILE',
  adminTokenFile: 'PANTHER_ADMIN_TOKEN_FILE',
} as const;

/** The host's plan as provisioned (also `<root>/etc/panther/plan.json` under a provision root). */
export const DEFAULT_PLAN = '/etc/panther/plan.json';
export const DEFAULT_REPO = '/var/lib/panther/repo';
/** The host's own records: backup window progress, completed points, the cost ledger. */
export const DEFAULT_STATE_DIR = '/var/lib/panther/state';
/** An empty directory restore drills mount their scratch filesystem over (inside their own mount namespace). */
export const DEFAULT_SCRATCH_DIR = '/var/lib/panther/drill';
/** Where `panther serve` listens, and where the rendered Caddy blocks and units expect it. */
export const DEFAULT_SERVE_LISTEN = '127.0.0.1:9720';
/** The token files the rendered serve unit reads on a host without NixOS (NixOS: storage.serve.*TokenFile). */
export const DEFAULT_SERVE_READ_TOKEN_FILE = '/etc/panther/serve-read-token';
export const DEFAULT_SERVE_ADMIN_TOKEN_FILE = '/etc/panther/serve-admin-token';
/** The host-wide run lock; the backup lock lives beside it. */
export const DEFAULT_HOST_LOCK = '/run/panther/snapshot.lock';

type Env = Readonly<Record<string, string | undefined>>;

/** The flag, else its environment variable, else the default. */
export function flagOrEnv(flag: string | undefined, variable: keyof typeof ENV, fallback: string, env: Env = process.env): string {
  return flag ?? env[ENV[variable]] ?? fallback;
}

/** `--state-dir`, else $PANTHER_STATE_DIR, else /var/lib/panther/state. */
export function stateDirFrom(flag: string | undefined, env: Env = process.env): string {
  return flagOrEnv(flag, 'stateDir', DEFAULT_STATE_DIR, env);
}
