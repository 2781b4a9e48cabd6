// `panther doctor remote`: what --help and routing need, cheap to load; ./doctor-remote.ts runs it.
import type { CommandInfo } from '../command.ts';

export const doctorRemoteInfo: CommandInfo = {
  name: 'doctor remote',
  summary: "check an S3/B2 repository bucket with this host's key: list, write, read, delete, lifecycle rule",
  usage: 'panther doctor remote [--repo s3://BUCKET/PREFIX?region=…] [--host NAME] [--plan FILE] [--json]',
  help: `  --repo URL   the s3:// repository (default $PANTHER_REPO); credentials from credentials=FILE in the
               URL or $PANTHER_S3_CREDENTIALS_FILE
  --host NAME  the host prefix (default: the plan's host, else the bucket's only host when the key may list it)
  --json       { target, host, findings: [{ id, severity, subject, expected, found, fix }], counts }

Writes and deletes one small probe object under <host>/locks/, reads the bucket's lifecycle rules and
counts hidden versions where the key allows; prints the lifecycle rule to set when it cannot tell.
Exit 0 when no finding is an error, 1 otherwise.`,
  options: { repo: { type: 'string' }, host: { type: 'string' }, plan: { type: 'string' } },
};
