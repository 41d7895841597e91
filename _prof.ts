import { expandGrid, loadReproductions } from "./src/grid/mod.ts";
import { runCell } from "./src/cell/mod.ts";
const [spec] = await loadReproductions(["deep-cnn"]);
const g = expandGrid(spec, "quick");
const job = g.jobs[0];
console.log(JSON.stringify(job.cell));
const t0 = performance.now();
const r = await runCell({...(job.cell as any).config, seed: job.seed}, { backend: "wasm" });
console.log(r.status, r.testAccuracy, r.weightsDigest, ((performance.now() - t0) / 1000).toFixed(2), "s");
