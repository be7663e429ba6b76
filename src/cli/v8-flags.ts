/**
 * V8 settings for a CLI run, set by dist/cli.js before the bundle is compiled (issue 18).
 *
 * A lint is short and cold: a lint of 250 small files spent about 40 % of its CPU warming code up
 * (the same lint run a second time in the same process took 0.65 s instead of 1.1 s). V8's default
 * interrupt budget hands functions to the optimising compiler early, which a short run pays for
 * without running long enough to win it back. With a budget a little over twice the default
 * (300,000; 150,000, 500,000 and 1,000,000 measured too), medians of 5 runs, user + system CPU:
 * kubernetes/examples 0.77 → 0.57 s, its generated stand-in 1.46 → 1.26 s, the Argo CD
 * manifests 1.08 → 0.86 s, the 20 MB corpus 20.4 → 19.3 s; output byte-identical. The editor's
 * long-lived analysis keeps V8's defaults.
 */
export const INTERRUPT_BUDGET = 300_000;

/**
 * How far the old generation may grow past what the last full GC kept, in percent. A lint keeps
 * little alive (25–55 MB after each full GC on the 20 MB corpus) but allocates fast, and V8 then
 * lets the heap grow up to four times that before collecting: peak RSS 649 MB with two threads,
 * 2.2× kube-linter's. Doubling instead: 409 MB, same CPU; the small corpora do not change.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Up to this much input, the young generation keeps the size it has once the CLI is loaded. V8
 * doubles it whenever many objects survive a scavenge, up to 16 MB a semi-space, and never gives
 * it back: on a short run that is RSS and no speed. kubernetes/examples (0.7 MB), medians of 12
 * runs: peak RSS 81 → 66 MB (kube-linter: 54 MB), CPU the same; its generated stand-in 122 →
 * 84 MB. Set once the files are counted, not at start: from the start it cost 20 ms of the
 * 0.11 s lint of one small file (loading the CLI promotes megabytes through 1 MB semi-spaces),
 * and the 20 MB corpus ran 15–25 % slower with it (5.5 → 6.5 s).
 */
export const SHORT_RUN_BYTES = 2 * 1024 * 1024;
const GROWTH = 'semi-space-growth-factor';
/** V8's own default (`node --v8-options`). */
const DEFAULT_GROWTH = 2;

/** The flags to set: none that the user set already (in NODE_OPTIONS or on node's command line). */
export function cliV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const set = givenFlag(execArgv, nodeOptions);
  return [
    ...(set('interrupt-budget') ? [] : [`--interrupt-budget=${INTERRUPT_BUDGET}`]),
    ...(set('heap-growing-percent') ? [] : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`]),
  ];
}

/** The flags for a lint of `totalBytes` of input, once its files are known. */
export function inputV8Flags(
  totalBytes: number,
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): string[] {
  return totalBytes <= SHORT_RUN_BYTES && !givenFlag(execArgv, nodeOptions)(GROWTH) ? [`--${GROWTH}=1`] : [];
}

/**
 * What inputV8Flags may have changed, as it was at start: V8 takes a code cache only under the
 * flags it was made with, and the CLI makes its cache at exit.
 */
export function startV8Flags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return [
    ...cliV8Flags(execArgv, nodeOptions),
    ...(givenFlag(execArgv, nodeOptions)(GROWTH) ? [] : [`--${GROWTH}=${DEFAULT_GROWTH}`]),
  ];
}

function givenFlag(execArgv: readonly string[], nodeOptions: string | undefined) {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return (name: string) => given.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
}
