/**
 * Faults of the real CLI in a subprocess: Ctrl-C on a measure reproduction,
 * a closed stderr pipe.
 *
 * @module
 */

import { equal, ok } from "node:assert/strict";
import { openStore } from "../store/mod.ts";
import { CLI } from "./_test_helpers.ts";
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
