import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore, type StoredRow, StoreError } from "./store.ts";
import { mergeStore } from "./merge.ts";

const ROW: StoredRow = {
  cellId: "a".repeat(64),
  seed: 0,
  kind: "measure",
  status: "ok",
  message: null,
  config: { method: "eoi" },
  result: { x: 1 },
  wallSeconds: 0.1,
  gitCommit: "unknown",
  machine: {},
  resultsVersion: 1,
  finishedAt: "2026-01-01T00:00:00.000Z",
};

async function _tmp(f: (dir: string) => Promise<void> | void) {
  const dir = await Deno.makeTempDir({ prefix: "foreign_test_" });
  try {
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function _sqlite(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  db.exec(sql);
  db.close();
}

/** The file's bytes and the names of the files beside it. */
function _snapshot(dir: string, path: string) {
  return {
    bytes: Deno.readFileSync(path),
    files: [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
  };
}

const FOREIGN: readonly [string, string, RegExp][] = [
  ["a table of another program", "CREATE TABLE foo(a)", /found table foo\(a\)/],
  [
    "a results table with other columns",
    "CREATE TABLE results(id INTEGER, score REAL); CREATE TABLE meta(key TEXT, value TEXT)",
    /found tables meta\(key, value\), results\(id, score\)/,
  ],
  [
    "a view beside the suite's tables",
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE VIEW v AS SELECT 1",
    /found tables meta\(key, value\), view v/,
  ],
];

for (const [what, sql, found] of FOREIGN) {
  Deno.test(`openStore refuses ${what} before writing anything, naming what it found`, () =>
    _tmp((dir) => {
      const path = `${dir}/o.db`;
      _sqlite(path, sql);
      const before = _snapshot(dir, path);
      for (const readOnly of [false, true]) {
        throws(() => openStore(path, { readOnly }), (e: Error) => {
          ok(e instanceof StoreError, String(e));
          ok(e.message.startsWith(`store ${path}: not a results store of this suite`), e.message);
          ok(found.test(e.message), e.message);
          return true;
        });
        deepEqual(_snapshot(dir, path), before, "the file and its directory are unchanged");
      }
      const journal = new DatabaseSync(path, { readOnly: true });
      equal(String(Object.values(journal.prepare("PRAGMA journal_mode").get()!)[0]), "delete");
      journal.close();
    }));
}

Deno.test("openStore refuses a store of another schema version without switching it to WAL", () =>
  _tmp((dir) => {
    const path = `${dir}/v2.db`;
    openStore(path).close();
    _sqlite(path, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    _sqlite(path, "PRAGMA journal_mode = DELETE");
    const before = _snapshot(dir, path);
    throws(() => openStore(path), /schema_version is 2, expected 1/);
    deepEqual(_snapshot(dir, path), before);
  }));

Deno.test("openStore refuses a file that is not SQLite, and a directory, naming them", () =>
  _tmp((dir) => {
    const text = `${dir}/notes.txt`;
    Deno.writeTextFileSync(text, "hello\n");
    for (const readOnly of [false, true]) {
      throws(
        () => openStore(text, { readOnly }),
        (e: Error) =>
          e instanceof StoreError && e.message.startsWith(`store ${text}: not a SQLite database`),
      );
      throws(
        () => openStore(dir, { readOnly }),
        (e: Error) =>
          e instanceof StoreError &&
          e.message === `store ${dir}: is a directory, not a results store file`,
      );
    }
    equal(Deno.readTextFileSync(text), "hello\n");
    throws(
      () => openStore(`${dir}/missing.db`, { readOnly: true }),
      (e: Error) => e.message === `store ${dir}/missing.db does not exist`,
    );
  }));

Deno.test("openStore adopts an empty file, a half-created store and a store with an extra table", () =>
  _tmp((dir) => {
    Deno.writeFileSync(`${dir}/empty.db`, new Uint8Array());
    _sqlite(`${dir}/half.db`, "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    openStore(`${dir}/extra.db`).close();
    _sqlite(`${dir}/extra.db`, "CREATE TABLE notes(text)");
    for (const name of ["empty.db", "half.db", "extra.db"]) {
      const s = openStore(`${dir}/${name}`);
      equal(s.put(ROW), true, name);
      s.close();
      equal(openStore(`${dir}/${name}`, { readOnly: true }).rows().length, 1, name);
    }
  }));

Deno.test("an immutable read-only open reads the rows without creating or changing any file", () =>
  _tmp((dir) => {
    const path = `${dir}/r.db`;
    const w = openStore(path);
    w.put(ROW);
    w.close();
    const before = _snapshot(dir, path);
    const mtime = Deno.statSync(path).mtime;
    const s = openStore(path, { readOnly: true, immutable: true });
    equal(s.immutable, true);
    ok(/opened immutable/.test(s.notice ?? ""), s.notice);
    deepEqual(s.rows(), [ROW]);
    const target = openStore(`${dir}/sub/t.db`);
    const merged = mergeStore(target, path, { immutable: true });
    equal(merged.written, 1);
    equal(merged.immutable, true);
    target.close();
    s.close();
    deepEqual(_snapshot(dir, path), { ...before, files: [...before.files, "sub"].sort() });
    deepEqual(Deno.statSync(path).mtime, mtime);
    const plain = openStore(path, { readOnly: true });
    equal(plain.immutable, false);
    equal(plain.notice, undefined);
    plain.close();
    throws(() => openStore(path, { immutable: true }), /immutable: only with readOnly/);
  }));
