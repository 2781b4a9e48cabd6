// The cluster checks' decisions over what the server answers (a scripted client stands in for pg's):
// rows summed per database, ONLY for ordinary tables and not for partitioned ones, amcheck null
// when the extension is not available, and failures named with the database and the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'pg';
import { checkCluster } from './postgres-checks.ts';

interface Db { tables: Array<{ name: string; kind: 'r' | 'p'; rows: number | Error }>; indexes: number }

function fakeCluster(dbs: Record<string, Db>, amcheck: boolean) {
  const sql: string[] = [];
  const client = (db: string | null) => ({
    query: async (text: string): Promise<{ rows: unknown[]; rowCount: number }> => {
      sql.push(text);
      const result = (rows: unknown[]) => ({ rows, rowCount: rows.length });
      if (text.includes('FROM pg_database')) return result(Object.keys(dbs).map((datname) => ({ datname })));
      if (text.includes('pg_available_extensions')) return result(amcheck ? [{ '?column?': 1 }] : []);
      const here = dbs[db!]!;
      if (text.includes("c.relkind IN ('r', 'p')")) return result(here.tables.map(({ name, kind }) => ({ name, kind })));
      const count = /^SELECT count\(\*\)::text AS n FROM (ONLY )?(.*)$/.exec(text);
      if (count !== null) {
        const table = here.tables.find((t) => t.name === count[2])!;
        assert.equal(count[1] !== undefined, table.kind === 'r', `ONLY for ordinary tables only: ${text}`);
        if (table.rows instanceof Error) throw table.rows;
        return result([{ n: String(table.rows) }]);
      }
      if (text.includes('FROM pg_extension')) return result([{ schema: 'panther_drill' }]);
      if (text.includes("am.amname = 'btree'")) return result(Array.from({ length: here.indexes }, (_, i) => ({ oid: String(1000 + i), name: `public.i${i}` })));
      return result([]);
    },
    end: async () => {},
  }) as unknown as Client;
  return { sql, first: client(null), connect: async (db: string) => client(db) };
}

const signal = new AbortController().signal;

test('rows and tables per database, amcheck over every index', async () => {
  const c = fakeCluster({
    app: { tables: [{ name: 'public.items', kind: 'r', rows: 1000 }, { name: 'public.events', kind: 'p', rows: 30 }], indexes: 3 },
    postgres: { tables: [], indexes: 2 },
  }, true);
  assert.deepEqual(await checkCluster(c.first, c.connect, signal, () => {}), {
    databases: [{ name: 'app', tables: 2, rows: 1030 }, { name: 'postgres', tables: 0, rows: 0 }],
    amcheck: { indexes: 5 },
  });
  assert.ok(c.sql.some((s) => s.startsWith('SELECT panther_drill.bt_index_check(')));
  assert.ok(c.sql.includes('CREATE EXTENSION IF NOT EXISTS amcheck SCHEMA panther_drill'));
});

test('amcheck not available: null, not a failure, and nothing created', async () => {
  const c = fakeCluster({ app: { tables: [{ name: 'public.t', kind: 'r', rows: 1 }], indexes: 4 } }, false);
  const lines: string[] = [];
  assert.deepEqual(await checkCluster(c.first, c.connect, signal, (l) => lines.push(l)), { databases: [{ name: 'app', tables: 1, rows: 1 }], amcheck: null });
  assert.ok(!c.sql.some((s) => /CREATE|bt_index_check/.test(s)));
  assert.match(lines.join('\n'), /amcheck is not installed/);
});

test('a table that cannot be read fails the check, naming database and table', async () => {
  const c = fakeCluster({ 'shop "x"': { tables: [{ name: '"we""ird"', kind: 'r', rows: new Error('invalid page in block 0 of relation base/1/2') }], indexes: 0 } }, false);
  await assert.rejects(checkCluster(c.first, c.connect, signal, () => {}), (e: { code: string; message: string; hint: string }) => {
    assert.equal(e.code, 'postgres-read-failed');
    assert.equal(e.message, 'database "shop \\"x\\"": reading table "we""ird" failed: invalid page in block 0 of relation base/1/2');
    assert.match(e.hint, /damaged/);
    return true;
  });
});

test('a database that does not open (a missing locale) says so', async () => {
  const c = fakeCluster({ app: { tables: [], indexes: 0 } }, false);
  const connect = async (): Promise<Client> => { throw new Error('database locale is incompatible with operating system'); };
  await assert.rejects(checkCluster(c.first, connect, signal, () => {}), (e: { code: string; hint: string }) => e.code === 'postgres-connect-failed' && /locale/.test(e.hint));
});
