// Help the way people type it: `panther snapshot --help`, `-h`, the bare group, `help snapshot`, and
// commands that are also groups (`doctor`, `cost`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli.ts';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { commandGroups, subcommandsOf } from '../src/cli/route.ts';

const GROUPS = [...commandGroups(COMMANDS)];

test('the groups are the ones people type', () => {
  assert.deepEqual(GROUPS.sort(), ['alerts', 'backup', 'backup key', 'cost', 'doctor', 'drill', 'metrics', 'snapshot']);
});

for (const group of GROUPS) {
  const subs = subcommandsOf(COMMANDS, group);
  const listsSubs = (text: string): void => {
    for (const c of subs) assert.ok(text.includes(`  ${c.name} `) && text.includes(c.summary), `"${c.name}" and its summary missing from:\n${text}`);
  };

  test(`panther ${group} --help / -h / help ${group}: the group's subcommands, exit 0`, async () => {
    for (const argv of [[...group.split(' '), '--help'], [...group.split(' '), '-h'], ['help', ...group.split(' ')]]) {
      const r = await runCli(...argv);
      assert.equal(r.code, 0, `panther ${argv.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stdout + r.stderr, /panther: unknown command/);
      listsSubs(r.stdout);
    }
  });

  test(`panther ${group} frobnicate: unknown command, lists the group's subcommands, exit 2`, async () => {
    const r = await runCli(...group.split(' '), 'frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`unknown command "${group} frobnicate"`));
    listsSubs(r.stderr);
  });
}

test('a bare group is a usage error (exit 2) that still prints the group help', async () => {
  for (const group of ['snapshot', 'backup', 'backup key']) {
    const r = await runCli(...group.split(' '));
    assert.equal(r.code, 2, group);
    assert.doesNotMatch(r.stdout + r.stderr, /panther: unknown command/);
    assert.match(r.stdout, new RegExp(`Usage: panther ${group} <subcommand>`));
    for (const c of subcommandsOf(COMMANDS, group)) assert.ok(r.stdout.includes(c.name), `${c.name} missing`);
  }
});

test('doctor and cost --help show their own help and a line per subcommand', async () => {
  for (const [command, sub] of [['doctor', 'doctor remote'], ['cost', 'cost simulate']] as const) {
    const r = await runCli(command, '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, new RegExp(`^Usage: panther ${command} \\[`));
    assert.match(r.stdout, new RegExp(`Subcommands:\\n  ${sub}  `));
  }
});

test('a leaf command\'s --help is its own help and lists no subcommands', async () => {
  for (const argv of [['render', '--help'], ['snapshot', 'run', '--help'], ['doctor', 'remote', '-h'], ['backup', 'key', 'list', '--help']]) {
    const r = await runCli(...argv);
    assert.equal(r.code, 0, argv.join(' '));
    assert.match(r.stdout, new RegExp(`^Usage: panther ${argv.slice(0, -1).join(' ')}`));
    assert.doesNotMatch(r.stdout, /Subcommands:/);
  }
});

test('an unknown top-level word still lists every command', async () => {
  const r = await runCli('frobnicate');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /Commands:\n/);
});
