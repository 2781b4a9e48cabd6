// String-level checks of the printer. The proof that values survive byte for byte is the
// nix-instantiate round trip in test/integration/render-nix.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attrs, indented, nixAttrName, nixComment, nixIndentedString, nixString, printNix, raw } from './nix.ts';

test('nixString escapes backslash, quote, ${ and control characters', () => {
  assert.equal(nixString('plain'), '"plain"');
  assert.equal(nixString('a"b'), '"a\\"b"');
  assert.equal(nixString('back\\slash'), '"back\\\\slash"');
  assert.equal(nixString('${builtins.abort "x"}'), '"\\${builtins.abort \\"x\\"}"');
  assert.equal(nixString('$HOME $ {x} $$'), '"$HOME $ {x} $$"');
  assert.equal(nixString('a\nb\rc\td'), '"a\\nb\\rc\\td"');
  assert.throws(() => nixString('a\0b'), /NUL/);
});

test('attribute names are bare only when Nix allows it', () => {
  assert.equal(nixAttrName('disko'), 'disko');
  assert.equal(nixAttrName('btrfs-progs'), 'btrfs-progs');
  assert.equal(nixAttrName("x'"), "x'");
  assert.equal(nixAttrName('@home'), '"@home"');
  assert.equal(nixAttrName('/var/lib/postgresql'), '"/var/lib/postgresql"');
  assert.equal(nixAttrName('1abc'), '"1abc"');
  assert.equal(nixAttrName(''), '""');
  assert.equal(nixAttrName('in'), '"in"');
  assert.equal(nixAttrName('${x}'), '"\\${x}"');
});

test('indented strings escape quotes pairs and ${, and never let an escape merge with a quote', () => {
  assert.equal(nixIndentedString(['echo "$device"']), `''\n  echo "$device"\n''`);
  assert.equal(nixIndentedString(["it''s"]), `''\n  it'''s\n''`);
  assert.equal(nixIndentedString(['${x}']), `''\n  ''\${x}\n''`);
  // `'` + `''${` would read as `'''` + `${`: an interpolated "$" is used after a quote.
  assert.equal(nixIndentedString(["'${x}"]), `''\n  '\${"$"}{x}\n''`);
  assert.equal(nixIndentedString(['a\rb']), `''\n  a''\\rb\n''`);
  assert.equal(nixIndentedString([]), '""');
});

test('indented strings keep the value\'s own leading spaces', () => {
  // Every line starts with a space: one interpolated space stops Nix from stripping it.
  assert.equal(nixIndentedString(['  a', '  b']), `''\n  \${" "} a\n    b\n''`);
  assert.equal(nixIndentedString(['a', '  b']), `''\n  a\n    b\n''`);
});

test('indented strings take interpolations and split embedded newlines', () => {
  assert.equal(nixIndentedString([[raw('pkgs.btrfs-progs'), '/bin/btrfs']], '  '), `''\n    \${pkgs.btrfs-progs}/bin/btrfs\n  ''`);
  assert.equal(nixIndentedString(['a\nb', '', 'c']), `''\n  a\n  b\n\n  c\n''`);
});

test('comments: one # per line, embedded newlines cannot end a comment early', () => {
  assert.equal(nixComment(['one', '', 'two\nthree'], '  '), '  # one\n  #\n  # two\n  # three');
});

test('printNix: scalars, lists, nested attribute sets with paths and comments', () => {
  assert.equal(printNix(null), 'null');
  assert.equal(printNix(true), 'true');
  assert.equal(printNix(-3), '(-3)');
  assert.equal(printNix([]), '[ ]');
  assert.equal(printNix({}), '{ }');
  assert.equal(printNix(['a', 1, false]), '[ "a" 1 false ]');
  assert.throws(() => printNix(Number.NaN), /NaN/);
  const value = attrs([
    { path: ['disko', 'devices'], value: { '@home': { mountpoint: '/home' } } },
    { path: 'script', comment: ['why'], value: indented(['x']) },
  ]);
  assert.equal(printNix(value), [
    '{',
    '  disko.devices = {',
    '    "@home" = {',
    '      mountpoint = "/home";',
    '    };',
    '  };',
    '',
    '  # why',
    "  script = ''",
    '    x',
    "  '';",
    '}',
  ].join('\n'));
});

test('printNix: long or nested lists go one element per line', () => {
  const long = Array.from({ length: 12 }, (_, i) => `option-number-${i}`);
  assert.match(printNix(long), /^\[\n  "option-number-0"\n/);
  assert.equal(printNix([{ a: 1 }]), '[\n  {\n    a = 1;\n  }\n]');
});
