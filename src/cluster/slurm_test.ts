import { equal, ok, throws } from "node:assert/strict";
import { slurmMain } from "./slurm.ts";
import { planShards } from "./plan.ts";
import { expandIndices, parseScontrolJobs, parseSqueue } from "./slurm_parse.ts";
import { batchScript, exitFile, shardStore } from "./slurm_script.ts";
import { openStore } from "../store/mod.ts";

const SHARDS = 3;

/** A measure reproduction: instant cells, so the fakes below run the real CLI quickly. */
const _SPEC = {
  name: "tiny-measure",
  title: "Exactness of EOI on small shapes",
  claim: { text: "EOI is orthogonal.", source: "test" },
  kind: "measure",
  axes: {
    measures: ["exactness"],
    methods: ["eoi", "orthogonal"],
    shapes: [[8, 8], [16, 16], [8, 16]],
    densities: [1],
    activations: ["tanh"],
  },
  presets: {
    quick: { budget: { seeds: [0, 1] } },
    paper: { budget: { seeds: [0, 1, 2] } },
  },
  verdict: {
    checks: [{ kind: "threshold", metric: "orthogonalityError", aggregate: "max", below: 1e-5 }],
  },
};

/**
 * Fake Slurm commands in `dir/bin` (sbatch runs the array's tasks at once,
 * one after another; squeue says nothing is queued; scontrol knows nothing)
 * and a fake deno that, for `reproduce --shard k/N`, runs `behaviour` for
 * shard k (a bash snippet; `$attempt_file` counts its calls) and otherwise
 * execs the real deno.
 */
async function _fakes(dir: string, behaviour: Record<number, string>, hold = false) {
  await Deno.mkdir(`${dir}/bin`, { recursive: true });
  const write = async (name: string, body: string) => {
    await Deno.writeTextFile(`${dir}/bin/${name}`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    await Deno.chmod(`${dir}/bin/${name}`, 0o755);
  };
  await write(
    "sbatch",
    `n=$(( $(cat ${dir}/next-id 2>/dev/null || echo 100) + 1 )); echo $n > ${dir}/next-id
echo "$@" >> ${dir}/sbatch-calls
for a in "$@"; do case "$a" in --array=*) array="\${a#--array=}";; --output=*) output="\${a#--output=}";; --chdir=*) chdir="\${a#--chdir=}";; esac; done
script="\${@: -1}"
${hold ? "echo $n; exit 0" : ""}
for part in \${array//,/ }; do
  for ((i=\${part%-*}; i<=\${part#*-}; i++)); do
    log=\${output//%a/$i}; log=\${log//%A/$n}
    (cd "$chdir" && SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_JOB_ID=$n bash "$script") > "$log" 2>&1
  done
done
echo "$n"`,
  );
  await write(
    "squeue",
    hold ? `echo "$(cat ${dir}/next-id)_0|RUNNING|None"` : "exit 0",
  );
  await write("scontrol", "exit 0");
  await write("scancel", `echo "$@" >> ${dir}/scancel-calls`);
  const cases = Object.entries(behaviour).map(([k, body]) => `  ${k}) ${body} ;;`).join("\n");
  await write(
    "deno",
    `shard=""; prev=""
for a in "$@"; do [ "$prev" = --shard ] && shard="\${a%/*}"; prev="$a"; done
if [ -n "$shard" ]; then
  attempt_file=${dir}/calls-$shard; echo x >> "$attempt_file"
  case "$shard" in
${cases}
  esac
fi
exec ${Deno.execPath()} "$@"`,
  );
}

async function _withRun(
  behaviour: Record<number, string>,
  f: (
    o: { dir: string; run: (extra?: string[]) => Promise<{ code: number; err: string }> },
  ) => Promise<void>,
  hold = false,
) {
  const dir = await Deno.makeTempDir({ prefix: "slurm_test_" });
  try {
    await Deno.mkdir(`${dir}/specs`);
    await Deno.writeTextFile(`${dir}/specs/tiny-measure.json`, JSON.stringify(_SPEC));
    await _fakes(dir, behaviour, hold);
    const run = async (extra: string[] = []) => {
      const err: string[] = [];
      const code = await slurmMain(
        [
          "tiny-measure",
          "--reproductions",
          `${dir}/specs`,
          "--shards",
          String(SHARDS),
          "--stores",
          `${dir}/stores`,
          "--poll",
          "0.05",
          "--deno",
          `${dir}/bin/deno`,
          ...extra,
        ],
        { stdout: () => {}, stderr: (t) => err.push(t), slurmBin: `${dir}/bin` },
      );
      return { code, err: err.join("") };
    };
    await f({ dir, run });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function _busyShard(dir: string): Promise<number> {
  const plan = await planShards(
    { names: ["tiny-measure"], preset: "quick", shards: SHARDS, reproductions: `${dir}/specs` },
    () => "/nonexistent",
  );
  return plan.reduce((a, p) => (p.jobs > a.jobs ? p : a)).index;
}

function _rows(path: string): number {
  const s = openStore(path, { readOnly: true });
  try {
    return s.rows().length;
  } finally {
    s.close();
  }
}

Deno.test("a shard failing twice is reported with both reasons and gives its exit code", async () => {
  // The busy shard depends only on the spec, so find it once and fail it in a fresh run.
  let k = -1;
  await _withRun({}, async ({ dir }) => {
    k = await _busyShard(dir);
  });
  await _withRun({ [k]: `echo "error: store x: disk full (fake)" >&2; exit 3` }, async (o) => {
    const r = await o.run();
    equal(r.code, 3, r.err);
    ok(r.err.includes(`resubmitting 1 failed task(s) once: shard(s) ${k}\n`), r.err);
    ok(r.err.includes(`FAILED after one resubmission: shard(s) ${k}\n`), r.err);
    const why = new RegExp(
      `shard ${k}: job 101: exit 3: store error.*\\| job 102: exit 3: store error`,
    );
    ok(why.test(r.err), r.err);
    ok(r.err.includes("disk full (fake)"), "the log's last lines are shown");
    equal(Deno.readTextFileSync(`${o.dir}/calls-${k}`).split("\n").length - 1, 2);
    // The other shards' cells are merged; the report sees the failed shard's as missing.
    const plan = await planShards({
      names: ["tiny-measure"],
      preset: "quick",
      shards: SHARDS,
      reproductions: `${o.dir}/specs`,
    }, () => "/nonexistent");
    const total = plan.reduce((a, p) => a + p.jobs, 0);
    equal(_rows(`${o.dir}/stores/all.db`), total - plan[k].jobs);
    const calls = Deno.readTextFileSync(`${o.dir}/sbatch-calls`).trim().split("\n");
    equal(calls.length, 2);
    ok(calls[1].includes(`--array=${k} `), calls[1]);
  });
});

Deno.test("a task killed once (SIGKILL) is resubmitted and recovered", async () => {
  let k = -1;
  await _withRun({}, async ({ dir }) => {
    k = await _busyShard(dir);
  });
  // First call: the "task" dies by SIGKILL (as the OOM killer would); second call runs.
  const once = `[ "$(wc -l < "$attempt_file")" -eq 1 ] && kill -KILL $$`;
  await _withRun({ [k]: once }, async (o) => {
    const r = await o.run();
    equal(r.code, 0, r.err);
    ok(
      new RegExp(`shard ${k} \\(job 101_${k}\\): FAILED, exit 137: killed by SIGKILL`).test(r.err),
      r.err,
    );
    ok(r.err.includes(`recovered by resubmission: shard(s) ${k}\n`), r.err);
    ok(!r.err.includes("FAILED after one resubmission"), r.err);
    const plan = await planShards({
      names: ["tiny-measure"],
      preset: "quick",
      shards: SHARDS,
      reproductions: `${o.dir}/specs`,
    }, () => "/nonexistent");
    equal(_rows(`${o.dir}/stores/all.db`), plan.reduce((a, p) => a + p.jobs, 0));
    equal(Deno.readTextFileSync(exitFile(`${o.dir}/stores`, k, "102")).trim(), "0");
    // Again: every shard is complete, nothing is submitted.
    const again = await o.run();
    equal(again.code, 0, again.err);
    ok(again.err.includes("not submitting"), again.err);
    equal(Deno.readTextFileSync(`${o.dir}/sbatch-calls`).trim().split("\n").length, 2);
  });
});

Deno.test("an interrupt cancels the submitted job and returns 130", async () => {
  await _withRun({}, async ({ dir }) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const err: string[] = [];
    const code = await slurmMain(
      [
        "tiny-measure",
        "--reproductions",
        `${dir}/specs`,
        "--stores",
        `${dir}/stores`,
        "--poll",
        "0.05",
      ],
      {
        stdout: () => {},
        stderr: (t) => err.push(t),
        slurmBin: `${dir}/bin`,
        signal: controller.signal,
      },
    );
    equal(code, 130, err.join(""));
    equal(Deno.readTextFileSync(`${dir}/scancel-calls`).trim(), "101");
    ok(err.join("").includes("interrupted: cancelled job 101"));
  }, true);
});

Deno.test("usage errors exit 2 before anything is submitted", async () => {
  await _withRun({}, async ({ run, dir }) => {
    for (
      const extra of [
        ["--shards", "0"],
        ["--shards", "two"],
        ["--poll", "0"],
        ["--cpus-per-task", "-1"],
        ["--seeds", "3-1"],
        ["--preset", "huge"],
        ["--job-name", "a b"],
        ["no-such-reproduction"],
        ["--deno", `${dir}/no-deno`],
      ]
    ) {
      const r = await run(extra);
      equal(r.code, 2, `${extra.join(" ")}: ${r.err}`);
    }
    ok(!(await Deno.stat(`${dir}/sbatch-calls`).then(() => true, () => false)));
  });
  const err: string[] = [];
  const code = await slurmMain(["--reproductions", "/nonexistent-dir"], {
    stdout: () => {},
    stderr: (t) => err.push(t),
  });
  equal(code, 2, err.join(""));
});

Deno.test("missing Slurm commands and a rejected submission are usage errors naming the cause", async () => {
  await _withRun({}, async ({ dir }) => {
    const err: string[] = [];
    const args = ["tiny-measure", "--reproductions", `${dir}/specs`, "--stores", `${dir}/stores`];
    const deps = { stdout: () => {}, stderr: (t: string) => err.push(t) };
    equal(await slurmMain(args, { ...deps, slurmBin: `${dir}/no-bin` }), 2);
    ok(err.join("").includes("sbatch not found"), err.join(""));
    await Deno.writeTextFile(
      `${dir}/bin/sbatch`,
      `#!/bin/bash\necho "sbatch: error: invalid partition specified: gpu" >&2; exit 1\n`,
    );
    err.length = 0;
    equal(await slurmMain([...args, "--partition", "gpu"], { ...deps, slurmBin: `${dir}/bin` }), 2);
    ok(err.join("").includes("invalid partition specified: gpu"), err.join(""));
  });
});

Deno.test("the batch script runs its shard into its own store and records the exit code", async () => {
  const dir = await Deno.makeTempDir({ prefix: "slurm_script_test_" });
  try {
    await Deno.mkdir(`${dir}/logs`);
    await Deno.writeTextFile(
      `${dir}/fake-deno`,
      `#!/bin/bash\nprintf '%s\\n' "$@" > ${dir}/args\nexit 4\n`,
      { mode: 0o755 },
    );
    await Deno.chmod(`${dir}/fake-deno`, 0o755);
    await Deno.writeTextFile(
      `${dir}/job.sh`,
      batchScript({
        deno: `${dir}/fake-deno`,
        cli: "/repo/src/cli/main.ts",
        shards: 5,
        stores: dir,
        reproduceArgs: ["mlp-mnist", "--seeds", "0-4", "--reproductions", "/it's here"],
      }),
    );
    const r = await new Deno.Command("bash", {
      args: [`${dir}/job.sh`],
      env: { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_JOB_ID: "77" },
    }).output();
    equal(r.code, 4);
    equal(Deno.readTextFileSync(exitFile(dir, 3, "77")), "4\n");
    equal(
      Deno.readTextFileSync(`${dir}/args`),
      [
        "run",
        "-A",
        "/repo/src/cli/main.ts",
        "reproduce",
        "mlp-mnist",
        "--seeds",
        "0-4",
        "--reproductions",
        "/it's here",
        "--no-report",
        "--quiet",
        "--shard",
        "3/5",
        "--store",
        shardStore(dir, 3),
        "",
      ].join("\n"),
    );
    const outside = await new Deno.Command("bash", { args: [`${dir}/job.sh`], env: {} }).output();
    ok(outside.code !== 0, "refuses to run outside an array task");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("squeue and scontrol parsers reject what they cannot read", () => {
  throws(() => parseSqueue("12_0 RUNNING", "12"), RangeError);
  throws(() => expandIndices("[a-b]"), RangeError);
  throws(() => expandIndices("5-2"), RangeError);
  equal(parseSqueue("13_0|RUNNING|None\n", "12").size, 0, "other jobs are ignored");
  const m = parseScontrolJobs(
    "JobId=13 ArrayJobId=12 ArrayTaskId=4-6 JobState=PENDING Reason=Priority ExitCode=0:0",
    "12",
  );
  equal([...m.keys()].join(","), "4,5,6");
});
