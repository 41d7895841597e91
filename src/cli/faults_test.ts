/**
 * Faults of the real CLI in a subprocess: Ctrl-C on a measure reproduction,
 * a closed stderr pipe.
 *
 * @module
 */

import { deepEqual, equal, ok } from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { captureCli, CLI, withFakeReproductions } from "./_test_helpers.ts";
import { EXIT } from "./exit_codes.ts";

/** Waits for `child` to exit; kills it and fails after `ms` (a bound, not a measured threshold). */
async function _statusWithin(child: Deno.ChildProcess, ms: number): Promise<Deno.CommandStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), ms));
  const outcome = await Promise.race([child.status, timeout]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the CLI did not exit within ${ms} ms`);
  }
  return outcome;
}

/** Reads `stream` until `pattern` appears in it; returns everything read so far and the reader. */
async function _readUntil(
  stream: ReadableStream<Uint8Array>,
  pattern: RegExp,
): Promise<{ text: string; reader: ReadableStreamDefaultReader<Uint8Array> }> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += dec.decode(value, { stream: true });
  }
  return { text, reader };
}

Deno.test("Ctrl-C on a measure reproduction stops it, keeps the finished cells and exits 130", async () => {
  const dir = await Deno.makeTempDir({ prefix: "faults_test_" });
  const path = `${dir}/x.db`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "reproduce", "exactness", "--seeds", "0-9", "--store", path],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // The 980 jobs take seconds; interrupt as soon as the first one is reported finished.
    const { text, reader } = await _readUntil(child.stderr, /\[1\/980\] ok/);
    ok(text.includes("[1/980] ok"), `no job finished before the interrupt:\n${text}`);
    child.kill("SIGINT");
    const rest = (async () => {
      const dec = new TextDecoder();
      let all = text;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return all;
        all += dec.decode(value, { stream: true });
      }
    })();
    const status = await _statusWithin(child, 60_000);
    const stderr = await rest;
    equal(status.code, EXIT.INTERRUPTED, stderr.slice(-2000));
    ok(stderr.includes("interrupt:"), stderr.slice(-2000));
    const store = openStore(path, { readOnly: true });
    try {
      equal(store.integrityCheck(), "ok");
      const rows = store.rows();
      ok(rows.length >= 1, "the finished cells are kept");
      ok(rows.length < 980, `the run stopped early (${rows.length} of 980 rows)`);
      ok(rows.every((r) => r.status === "ok"), "no half-finished or failed rows");
      const ran = /ran (\d+) job\(s\)/.exec(stderr);
      ok(ran !== null, stderr.slice(-2000));
      equal(Number(ran[1]), rows.length, "the summary counts the rows written");
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Whether this process can mount a directory read-only in a private mount
 * namespace (`unshare -m`, needs root or user namespaces): root ignores file
 * permissions, so a chmod'ed directory would not be read-only for the tests.
 */
function _canMountReadOnly(): boolean {
  const dir = Deno.makeTempDirSync({ prefix: "faults_probe_" });
  try {
    const out = new Deno.Command("unshare", {
      args: ["-m", "sh", "-c", `mount --bind -o ro "${dir}" "${dir}" && ! touch "${dir}/x"`],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.code === 0;
  } catch {
    return false;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test({
  name: "status, report, export, board and merge read a store in a read-only directory, and say so",
  ignore: !_canMountReadOnly(),
  fn: () =>
    withFakeReproductions(async (dir) => {
      const ro = `${dir}/ro`;
      const path = `${ro}/r.db`;
      const c = captureCli(dir);
      equal(
        await c.call(["reproduce", "eoi-wins", "--store", path, "--quiet", "--no-site"]),
        EXIT.OK,
      );
      const bytes = await Deno.readFile(path);
      const files = [...Deno.readDirSync(ro)].map((e) => e.name);
      const repro = ["--reproductions", `${dir}/repro`];
      // Each command runs in its own mount namespace where `ro` is a read-only bind mount.
      const inReadOnlyDir = async (args: string[]) => {
        const script = `mount --bind -o ro "${ro}" "${ro}" && exec "$0" "$@"`;
        const out = await new Deno.Command("unshare", {
          args: ["-m", "sh", "-c", script, Deno.execPath(), "run", "-A", CLI, ...args],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const dec = new TextDecoder();
        return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
      };
      const note = new RegExp(`^note: store ${path}: opened immutable \\(SQLite cannot create`);
      const status = await inReadOnlyDir(["status", "eoi-wins", "--store", path, ...repro]);
      equal(status.code, EXIT.OK, status.stderr);
      ok(note.test(status.stderr), status.stderr);
      ok(/eoi-wins\s+12\s+12\s/.test(status.stdout), status.stdout);
      const report = await inReadOnlyDir(["report", "eoi-wins", "--store", path, ...repro]);
      equal(report.code, EXIT.OK, report.stderr);
      ok(note.test(report.stderr), report.stderr);
      const exported = await inReadOnlyDir(["export", "--store", path, "--out", `${dir}/e.json`]);
      equal(exported.code, EXIT.OK, exported.stderr);
      ok(note.test(exported.stderr), exported.stderr);
      equal(JSON.parse(await Deno.readTextFile(`${dir}/e.json`)).length, 12);
      const merged = await inReadOnlyDir(["merge", path, "--store", `${dir}/all.db`]);
      equal(merged.code, EXIT.OK, merged.stderr);
      ok(note.test(merged.stderr), merged.stderr);
      ok(merged.stderr.includes("12 row(s) read, 12 written"), merged.stderr);
      const board = await inReadOnlyDir(["board", "--store", path, "--out", `${dir}/site`]);
      equal(board.code, EXIT.OK, board.stderr);
      ok(note.test(board.stderr), board.stderr);
      // A writer is still refused there, with a store error.
      const run = await inReadOnlyDir(["reproduce", "eoi-wins", "--store", path, ...repro]);
      equal(run.code, EXIT.STORE_ERROR, run.stderr);
      deepEqual(await Deno.readFile(path), bytes);
      deepEqual([...Deno.readDirSync(ro)].map((e) => e.name), files);
    }),
});

Deno.test("a closed stderr pipe does not stop the grid or change the exit code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "faults_test_" });
  const path = `${dir}/p.db`;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "reproduce",
        "exactness",
        "--seeds",
        "0",
        "--store",
        path,
        "--no-site",
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Like `2>&1 >/dev/null | head -2`: read the first progress lines, then close the pipe.
    const { text, reader } = await _readUntil(child.stderr, /\[1\/98\]/);
    ok(text.includes("[1/98]"), text);
    await reader.cancel();
    const stdout = new Response(child.stdout).text();
    const status = await _statusWithin(child, 120_000);
    equal(status.code, EXIT.OK, await stdout);
    ok((await stdout).includes("Verdict"), "the report is still printed on stdout");
    const store = openStore(path, { readOnly: true });
    try {
      equal(store.rows().length, 98, "every job ran");
    } finally {
      store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
