import { deepEqual, equal, notDeepEqual, ok, rejects } from "node:assert/strict";
import { join } from "node:path";
import { type Dataset, DATASET_NAMES, fashionMnistSplit, loadDataset } from "./datasets.ts";
import type { DatasetName } from "./datasets.ts";
import { writeDatasetCache } from "./cache.ts";

const DIGESTS = JSON.parse(
  await Deno.readTextFile(new URL("../../fixtures/dataset_digests.json", import.meta.url)),
) as Record<string, Record<string, string>>;

async function _hex(a: ArrayBufferView): Promise<string> {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

function _counts(labels: Uint8Array): number[] {
  const c = new Array(10).fill(0);
  for (const l of labels) c[l]++;
  return c;
}

function _range(a: Float32Array): [number, number] {
  let min = Infinity, max = -Infinity;
  for (const v of a) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

async function _digests(d: Dataset): Promise<Record<string, string>> {
  return {
    trainImages: await _hex(d.trainImages),
    trainLabels: await _hex(d.trainLabels),
    testImages: await _hex(d.testImages),
    testLabels: await _hex(d.testLabels),
  };
}

Deno.test("loadDataset('mnist') gives the official 60k/10k split with MNIST's class counts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const d = await loadDataset("mnist", { cacheDir: dir });
    equal(d.trainLabels.length, 60000);
    equal(d.testLabels.length, 10000);
    equal(d.trainImages.length, 60000 * 784);
    equal(d.testImages.length, 10000 * 784);
    deepEqual(_counts(d.trainLabels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    deepEqual(_counts(d.testLabels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    deepEqual(_range(d.trainImages), [0, 1]);
    deepEqual(_range(d.testImages), [0, 1]);
    deepEqual(d.imageShape, [28, 28, 1]);
    equal(d.classes, 10);
    deepEqual(await _digests(d), DIGESTS.mnist);

    // Second load comes from the cache and is identical.
    const files = [...Deno.readDirSync(dir)].map((e) => e.name);
    deepEqual(files, ["mnist-v1.bin"]);
    const again = await loadDataset("mnist", { cacheDir: dir });
    deepEqual(await _digests(again), DIGESTS.mnist);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadDataset rebuilds a corrupt, truncated or foreign cache file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "mnist-v1.bin");
    await loadDataset("mnist", { cacheDir: dir });
    const good = await Deno.readFile(path);

    // A flipped payload byte fails the checksum.
    const flipped = good.slice();
    flipped[flipped.length - 5000] ^= 0xff;
    await Deno.writeFile(path, flipped);
    equal((await loadDataset("mnist", { cacheDir: dir })).trainLabels.length, 60000);
    deepEqual(await Deno.readFile(path), good);

    // A truncated file fails the size check.
    await Deno.writeFile(path, good.subarray(0, 1000));
    equal((await loadDataset("mnist", { cacheDir: dir })).trainLabels.length, 60000);
    deepEqual(await Deno.readFile(path), good);

    // Another dataset's valid cache under this name fails the name check.
    const tiny = {
      trainPixels: new Uint8Array(784),
      trainLabels: new Uint8Array(1),
      testPixels: new Uint8Array(784),
      testLabels: new Uint8Array(1),
    };
    await writeDatasetCache(path, "fashion-mnist", tiny);
    equal((await loadDataset("mnist", { cacheDir: dir })).trainLabels.length, 60000);
    deepEqual(await Deno.readFile(path), good);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadDataset('fashion-mnist') gives 6,000 training and 1,000 test images per class", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const d = await loadDataset("fashion-mnist", { cacheDir: dir });
    deepEqual(_counts(d.trainLabels), new Array(10).fill(6000));
    deepEqual(_counts(d.testLabels), new Array(10).fill(1000));
    equal(d.trainImages.length, 60000 * 784);
    deepEqual(_range(d.trainImages), [0, 1]);
    deepEqual(_range(d.testImages), [0, 1]);
    // The split is fixed: the same bytes everywhere.
    deepEqual(await _digests(d), DIGESTS["fashion-mnist"]);
    // Random order, not class-sorted: the first 1,000 training images hold every class.
    ok(_counts(d.trainLabels.subarray(0, 1000)).every((c) => c > 50));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fashionMnistSplit is a fixed stratified partition of the 70,000 images", () => {
  const labels = new Uint8Array(70000).map((_, i) => Math.floor(i / 7000));
  const a = fashionMnistSplit(labels);
  equal(a.train.length, 60000);
  equal(a.test.length, 10000);
  const seen = new Uint8Array(70000);
  for (const i of a.train) seen[i]++;
  for (const i of a.test) seen[i]++;
  ok(seen.every((s) => s === 1), "train and test are disjoint and cover every image");
  deepEqual(_counts(Uint8Array.from(a.test, (i) => labels[i])), new Array(10).fill(1000));
  deepEqual(fashionMnistSplit(labels), a);
  // Not the trivial "first 6,000 of each class" split.
  ok(a.test.some((i) => i % 7000 < 6000));
});

Deno.test("loadDataset('synthetic') matches its pinned digests", async () => {
  const d = await loadDataset("synthetic");
  deepEqual(await _digests(d), DIGESTS.synthetic);
  notDeepEqual(d.trainImages.subarray(0, 784), d.trainImages.subarray(784, 1568));
});

Deno.test("loadDataset rejects an unknown name with a RangeError listing the valid names", async () => {
  await rejects(
    () => loadDataset("cifar10" as DatasetName),
    (e: unknown) =>
      e instanceof RangeError && e.message.includes("cifar10") &&
      DATASET_NAMES.every((n) => e.message.includes(n)),
  );
});
