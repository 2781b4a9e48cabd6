import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { diagnoseStderr, commandFailed, displayCommand, lastLines, missingTool } from './failure.ts';

const read = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('diagnoseStderr maps real btrfs-progs and util-linux messages to causes', () => {
  const cases: Array<[string, string]> = [
    ['stderr-not-btrfs.txt', 'not a btrfs filesystem'],
    ['stderr-not-btrfs-show.txt', 'not a btrfs filesystem'],
    ['stderr-not-btrfs-object.txt', 'not a btrfs filesystem'],
    ['stderr-text-busy.txt', 'an active swapfile is in the way'],
    ['stderr-eperm.txt', 'operation not permitted'],
    ['stderr-busy.txt', 'device busy'],
    ['stderr-umount-busy.txt', 'device busy'],
    ['stderr-mkfs-mounted.txt', 'device busy'],
    ['stderr-dir-not-empty.txt', 'subvolume not empty'],
    ['stderr-mkfs-existing.txt', 'device holds an existing filesystem'],
    ['stderr-chattr-missing.txt', 'missing'],
    ['stderr-mkswapfile-nocow.txt', 'not supported here'],
  ];
  for (const [file, cause] of cases) assert.equal(diagnoseStderr(read(file))?.cause, cause, file);
  assert.equal(diagnoseStderr(read('stderr-property-einval.txt')), undefined);
});

test('the EPERM hint says to run as root', () => {
  assert.match(diagnoseStderr(read('stderr-eperm.txt'))?.hint ?? '', /not root\? run as root/);
  assert.match(diagnoseStderr(read('stderr-busy.txt'))?.hint ?? '', /unmount it or detach the loop device/);
});

test('commandFailed names the subject, the command, the output and the cause', () => {
  const error = commandFailed({
    cmd: 'btrfs', args: ['subvolume', 'create', '--', '/tmp/cap/plain/x y'], subject: '/tmp/cap/plain/x y',
    code: 1, stdout: '', stderr: read('stderr-not-btrfs.txt'),
  });
  assert.equal(error.code, 'command-failed');
  assert.equal(error.subject, '/tmp/cap/plain/x y');
  assert.match(error.message, /^\/tmp\/cap\/plain\/x y: not a btrfs filesystem$/m);
  assert.match(error.message, /command: btrfs subvolume create -- "\/tmp\/cap\/plain\/x y" \(exit 1\)/);
  assert.match(error.message, /output: ERROR: not a btrfs filesystem: \/tmp\/cap\/plain/);
  assert.match(error.hint ?? '', /mounted btrfs/);
});

test('commandFailed without a known cause still gives a hint', () => {
  const error = commandFailed({ cmd: 'btrfs', args: ['x'], subject: 'x', code: 2, stdout: '', stderr: 'strange\n' });
  assert.match(error.message, /^x: btrfs failed/);
  assert.match(error.hint ?? '', /run `btrfs x` by hand/);
});

test('commandFailed reports a timeout as the cause', () => {
  const error = commandFailed({ cmd: 'btrfs', args: ['scrub'], subject: '/mnt', code: null, signal: 'SIGKILL', stdout: '', stderr: '', timedOutMs: 50 });
  assert.match(error.message, /timed out after 50 ms/);
  assert.match(error.message, /\(killed\)/);
});

test('displayCommand quotes only what needs quoting', () => {
  assert.equal(displayCommand('mount', ['-o', 'subvol=@,noatime', '--', '/dev/loop0', '/mnt/a b']), 'mount -o subvol=@,noatime -- /dev/loop0 "/mnt/a b"');
});

test('lastLines keeps the last non-empty lines', () => {
  assert.deepEqual(lastLines('a\n\nb\nc\nd\ne\nf\n'), ['b', 'c', 'd', 'e', 'f']);
});

test('missingTool names the package to install', () => {
  assert.match(missingTool('mkfs.btrfs').hint ?? '', /apt-get install -y btrfs-progs/);
  assert.match(missingTool('sgdisk').hint ?? '', /apt-get install -y gdisk.*pkgs\.gptfdisk/);
  assert.equal(missingTool('btrfs').code, 'missing-tool');
});
