/**
 * The commands other than `lint`, bundled apart (dist/cli-commands.js) and loaded only when one
 * runs: they bring the Kubernetes client, the runbook and diagnose code, which a lint never needs
 * and whose compilation was most of `shipshape lint`'s start-up.
 */
import { diagnoseCommand, DIAGNOSE_USAGE } from './diagnose';
import { diff, DIFF_USAGE } from './diff';
import { fix, FIX_USAGE } from './fix';
import { health, HEALTH_USAGE } from './health';
import { runbook, RUNBOOK_USAGE } from './runbook';
import { top, TOP_USAGE } from './top';

export { clusterCrdEntries } from './cluster-crds';

export interface Command {
  readonly run: (argv: readonly string[]) => Promise<number>;
  readonly usage: string;
}

export type Io = (s: string) => void;

export function commands(out: Io, err: Io): Readonly<Record<string, Command>> {
  return {
    fix: { run: (argv) => Promise.resolve(fix(argv, out, err)), usage: FIX_USAGE },
    health: { run: (argv) => health(argv, out), usage: HEALTH_USAGE },
    runbook: { run: (argv) => runbook(argv, out), usage: RUNBOOK_USAGE },
    diff: { run: (argv) => diff(argv, out, err), usage: DIFF_USAGE },
    diagnose: { run: (argv) => diagnoseCommand(argv, out), usage: DIAGNOSE_USAGE },
    top: { run: (argv) => top(argv, out, err), usage: TOP_USAGE },
  };
}
