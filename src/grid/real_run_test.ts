import { equal } from "node:assert/strict";
import { jobsFor } from "../cell/mod.ts";
import { realRun } from "./real_run.ts";

Deno.test("realRun does not compute a measure job once the run is aborted", async () => {
  const run = realRun("cpu");
  const [job] = jobsFor({
    kind: "measure",
    config: {
      measure: "exactness",
      method: "eoi",
      shape: { kind: "dense", inFeatures: 8, outFeatures: 8 },
      density: 0.5,
      activation: "tanh",
    },
  }, [0]);
  const controller = new AbortController();
  equal((await run(job, { onProgress: () => {}, signal: controller.signal })).status, "ok");
  controller.abort(new Error("interrupted"));
  const r = await run(job, { onProgress: () => {}, signal: controller.signal });
  equal(r.status, "failed");
  equal(r.message, "interrupted");
});
