import { deepEqual, throws } from "node:assert/strict";
import { validateDescription } from "./contract.ts";

const FN = { $type: "function" };
const BASE = { name: "my-init", description: "One line.", initialize: FN };

Deno.test("validateDescription fills the defaults and keeps the optional fields", () => {
  deepEqual(validateDescription(BASE, "m.ts"), {
    name: "my-init",
    description: "One line.",
    kinds: ["dense", "conv"],
    takesMask: false,
  });
  deepEqual(
    validateDescription(
      {
        ...BASE,
        paper: "Someone, 2024",
        kinds: ["conv", "conv"],
        takesMask: true,
        scoredWith: "pruned-orthogonal",
      },
      "m.ts",
    ),
    {
      name: "my-init",
      description: "One line.",
      paper: "Someone, 2024",
      kinds: ["conv"],
      takesMask: true,
      scoredWith: "pruned-orthogonal",
    },
  );
});

Deno.test("validateDescription names the module and the field of every malformed export", () => {
  const cases: [unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    [{ $type: "number" }, TypeError, /the default export must be an object .* got number/],
    [null, TypeError, /got null/],
    [
      { ...BASE, extra: 1 },
      TypeError,
      /unknown key "extra" in the default export; allowed: name, description/,
    ],
    [{ ...BASE, name: 7 }, TypeError, /name must be a string; got 7/],
    [{ ...BASE, name: "" }, RangeError, /name must be one line of 1-64 characters/],
    [{ ...BASE, name: "a".repeat(65) }, RangeError, /name must be one line of 1-64/],
    [{ ...BASE, name: "-lead" }, RangeError, /name must be kebab-case/],
    [{ ...BASE, description: "two\nlines" }, RangeError, /description must be one line/],
    [
      { ...BASE, description: "d".repeat(201) },
      RangeError,
      /description must be one line of 1-200/,
    ],
    [{ ...BASE, paper: { $type: "object" } }, TypeError, /paper must be a string/],
    [{ ...BASE, kinds: [] }, TypeError, /kinds must be a non-empty array/],
    [{ ...BASE, kinds: ["rnn"] }, RangeError, /unknown layer kind "rnn"/],
    [{ ...BASE, takesMask: "yes" }, TypeError, /takesMask must be a boolean; got "yes"/],
    [
      { ...BASE, scoredWith: "kaiming" },
      RangeError,
      /scoredWith must be "pruned-kaiming" or "pruned-orthogonal"; got "kaiming"/,
    ],
    [{ ...BASE, initialize: undefined }, TypeError, /initialize must be a function/],
    [
      { ...BASE, initialize: { $type: "object" } },
      TypeError,
      /initialize must be a function .* got "object"/,
    ],
  ];
  for (const [fields, kind, text] of cases) {
    throws(() => validateDescription(fields, "m.ts"), (e: Error) => {
      if (!(e instanceof kind)) throw new Error(`${e.name} for ${JSON.stringify(fields)}`);
      if (!text.test(e.message) || !e.message.startsWith("module m.ts: ")) throw e;
      return true;
    });
  }
});

Deno.test("the README's listing of the example module is the file itself", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const file = await Deno.readTextFile(new URL("../../examples/sparse_glorot.ts", import.meta.url));
  const at = readme.indexOf("A complete example, `examples/sparse_glorot.ts`");
  const start = readme.indexOf("```ts\n", at) + "```ts\n".length;
  const listing = readme.slice(start, readme.indexOf("```\n", start));
  deepEqual(listing, file);
});
