/** `shipshape` — the same core as the extension, headless, for CI. */
import { isMainThread } from 'node:worker_threads';
import { runWorker } from './analyse';
import { UsageError } from './args';
import { diagnoseCommand, DIAGNOSE_USAGE } from './diagnose';
import { diff, DIFF_USAGE } from './diff';
import { fix, FIX_USAGE } from './fix';
import { health, HEALTH_USAGE } from './health';
import { lint, LINT_USAGE } from './lint';
import { runbook, RUNBOOK_USAGE } from './runbook';
import { top, TOP_USAGE } from './top';

declare const SHIPSHAPE_VERSION: string | undefined;
const VERSION = typeof SHIPSHAPE_VERSION === 'string' ? SHIPSHAPE_VERSION : '0.0.0-dev';

const USAGE = `Shipshape ${VERSION} — Kubernetes platform health & hardening

usage: shipshape <command> [options]

commands:
  lint      analyse manifests (text, json or sarif)
  fix       apply fixes to manifests with minimal edits
  health    summarise a cluster's (or a snapshot's) health
  runbook   evaluate a runbook's checks against a cluster or snapshot
  diff      what applying manifests would change in a cluster (server-side dry run)
  diagnose  explain why a pod fails, with the evidence and what to do
  top       CPU and memory in use per pod, container and node, with the share of each limit

Run "shipshape <command> --help" for a command's options.
`;

const out = (s: string) => void process.stdout.write(s);
const err = (s: string) => void process.stderr.write(s);

const COMMANDS: Readonly<
  Record<string, { run: (argv: readonly string[]) => Promise<number>; usage: string }>
> = {
  lint: { run: (argv) => lint(argv, out, err, VERSION), usage: LINT_USAGE },
  fix: { run: (argv) => Promise.resolve(fix(argv, out, err)), usage: FIX_USAGE },
  health: { run: (argv) => health(argv, out), usage: HEALTH_USAGE },
  runbook: { run: (argv) => runbook(argv, out), usage: RUNBOOK_USAGE },
  diff: { run: (argv) => diff(argv, out, err), usage: DIFF_USAGE },
  diagnose: { run: (argv) => diagnoseCommand(argv, out), usage: DIAGNOSE_USAGE },
  top: { run: (argv) => top(argv, out, err), usage: TOP_USAGE },
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        err(USAGE);
        return 2;
      case '--help':
      case '-h':
      case 'help':
        out(USAGE);
        return 0;
      case '--version':
        out(`${VERSION}\n`);
        return 0;
      default: {
        const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
        if (entry) return await entry.run(rest);
        err(`shipshape: unknown command "${command}"\n\n${USAGE}`);
        return 2;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const usage =
        (command && Object.hasOwn(COMMANDS, command) ? COMMANDS[command]?.usage : undefined) ?? USAGE;
      err(`shipshape ${command ?? ''}: ${error.message}\n\n${usage}\n`);
      return 2;
    }
    throw error;
  }
}

if (isMainThread) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      err(`shipshape: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    },
  );
} else {
  runWorker();
}
