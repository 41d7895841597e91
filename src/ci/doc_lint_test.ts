import { deepEqual } from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("deno doc --lint mod.ts: every public type is documented and public, tfjs's tensors aside", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", "mod.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const problems = text.split("\n").filter((l) => /^error\[/.test(l))
    // tfjs's own types (Tensor4D, Tensor2D, …) appear in our signatures; they are tfjs's to document.
    .filter((l) => !/references private type 'Tensor\w*'$/.test(l));
  deepEqual(problems, [], text);
});
