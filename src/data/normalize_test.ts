import { equal, ok, throws } from "node:assert/strict";
import { loadDataset } from "./datasets.ts";
import {
  DATASET_STATISTICS,
  NORMALIZATIONS,
  normalizeDataset,
  pixelStatistics,
} from "./normalize.ts";

for (const name of ["mnist", "fashion-mnist"] as const) {
  Deno.test(`DATASET_STATISTICS.${name} is the training split's pixel mean and std (4 digits)`, async () => {
    const d = await loadDataset(name);
    const s = pixelStatistics(d.trainImages);
    const pinned = DATASET_STATISTICS[name];
    ok(Math.abs(s.mean - pinned.mean) < 5e-5, `${name} mean ${s.mean} vs pinned ${pinned.mean}`);
    ok(Math.abs(s.std - pinned.std) < 5e-5, `${name} std ${s.std} vs pinned ${pinned.std}`);
  });
}

Deno.test("standardize maps v to (v - mean) / std; unit is the dataset itself", async () => {
  const d = await loadDataset("mnist");
  equal(normalizeDataset(d, "unit"), d);
  const z = normalizeDataset(d, "standardize");
  equal(z.trainImages.length, d.trainImages.length);
  equal(z.trainLabels, d.trainLabels);
  for (const i of [0, 153, 200, 47_000_000, d.trainImages.length - 1]) {
    equal(z.trainImages[i], Math.fround((d.trainImages[i] - 0.1307) / 0.3081));
  }
  equal(z.testImages[300], Math.fround((d.testImages[300] - 0.1307) / 0.3081));
  equal(z.trainImages[0], Math.fround(-0.1307 / 0.3081)); // a background pixel
  const s = pixelStatistics(z.trainImages);
  ok(Math.abs(s.mean) < 1e-3 && Math.abs(s.std - 1) < 1e-3, `standardized: ${s.mean}, ${s.std}`);
  equal(normalizeDataset(d, "standardize"), z); // computed once
});

Deno.test("synthetic is unchanged by standardize; an unknown normalization is a RangeError", async () => {
  const d = await loadDataset("synthetic");
  equal(normalizeDataset(d, "standardize").trainImages, d.trainImages);
  equal(NORMALIZATIONS[0], "standardize");
  throws(
    () => normalizeDataset(d, "zscore" as never),
    /must be one of standardize, unit; got "zscore"/,
  );
  throws(() => pixelStatistics(new Float32Array(0)), RangeError);
});
