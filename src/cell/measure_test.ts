import { equal } from "node:assert/strict";
import { jobsFor } from "./id.ts";
import { MEASURE_DEPS, runMeasure } from "./measure.ts";

const shape = { kind: "dense", inFeatures: 8, outFeatures: 8 } as const;

Deno.test("a timing cell stops between generations when its signal is aborted", async () => {
  const [job] = jobsFor({
    kind: "measure",
    config: {
      measure: "timing",
      method: "eoi",
      shape,
      density: 0.5,
      activation: "tanh",
      repeats: 5,
    },
  }, [0]);
  const controller = new AbortController();
  let calls = 0;
  const deps = {
    ...MEASURE_DEPS,
    initialize: ((...args: Parameters<typeof MEASURE_DEPS.initialize>) => {
      calls++;
      // A SIGINT arriving during the first generation: the handler runs at the next yield.
      if (calls === 1) setTimeout(() => controller.abort(new Error("interrupted")), 0);
      return MEASURE_DEPS.initialize(...args);
    }) as typeof MEASURE_DEPS.initialize,
  };
  const r = await runMeasure(job, deps, { signal: controller.signal });
  equal(calls, 1);
  equal(r.status, "failed");
  equal(r.message, "interrupted");
  const whole = await runMeasure(job);
  equal(whole.status, "ok");
  equal(whole.secondsAll.length, 5);
});
