/** `shipshape` — the same core as the extension, headless, for CI. */
import { isMainThread } from 'node:worker_threads';
import { runWorker } from './analyse';
import { isInputError, isUsageError } from './args';
import type { Command } from './commands';
import { lint, LINT_USAGE } from './lint';

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

const LINT: Command = { run: (argv) => lint(argv, out, err, VERSION), usage: LINT_USAGE };
const OTHERS = new Set(['fix', 'health', 'runbook', 'diff', 'diagnose', 'top']);

/** `lint` is in this bundle; the other commands are loaded when asked for (start-up, issue 18). */
async function commandNamed(name: string): Promise<Command | undefined> {
  if (name === 'lint') return LINT;
  if (!OTHERS.has(name)) return undefined;
  const { commands } = await import('./commands');
  return commands(out, err)[name];
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let entry: Command | undefined;
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
        entry = await commandNamed(command);
        if (entry) return await entry.run(rest);
        err(`shipshape: unknown command "${command}"\n\n${USAGE}`);
        return 2;
      }
    }
  } catch (error) {
    if (isInputError(error)) {
      err(`shipshape ${command ?? ''}: ${error.message}\n`);
      return 2;
    }
    if (isUsageError(error)) {
      const usage = entry?.usage ?? USAGE;
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
