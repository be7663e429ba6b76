import * as vscode from 'vscode';
import { runExecChecks } from '../../adapters/k8s/exec-checks';
import type { ClusterState } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import {
  EXEC_OFF,
  execChecksOf,
  execGate,
  execKey,
  type ExecCheckResult,
  type ExecFacts,
} from '../../core/runbook/catalog/exec';
import type { Runbook } from '../../core/runbook/types';
import { isProtectedSource } from '../../services/clusters/protection';
import type { ClusterSources, Source } from '../../services/clusters/sources';

/** Commands in pods are not re-run on every watch event: at most this often per runbook and source. */
const RERUN_MS = 30_000;

/**
 * The Runbook view's exec checks: run in the background when the gate allows (the runbook opts
 * in, the workspace is trusted, the context is not protected), their results cached per source
 * and runbook, and `changed` called when a run ends so the view re-evaluates. Nothing of the
 * commands' output is logged; the log says how many ran, where.
 */
export class RunbookExecChecks {
  private results: { key: string; at: number; results: ReadonlyMap<string, ExecCheckResult> } | undefined;
  private running: string | undefined;

  constructor(
    private readonly sources: ClusterSources,
    private readonly log: Logger,
    private readonly changed: () => void,
  ) {}

  /** What evaluation gets for this runbook on this source; starts a run when one is due. */
  facts(
    runbook: Runbook,
    source: Source | undefined,
    state: ClusterState | undefined,
  ): ExecFacts | undefined {
    if (!source) return undefined;
    const gate = execGate(runbook, {
      trusted: vscode.workspace.isTrusted,
      snapshot: source.kind === 'snapshot',
      ...(isProtectedSource(this.sources, source)
        ? { protectedContext: source.context?.name ?? source.label }
        : {}),
    });
    if (gate === undefined) return undefined;
    if (gate.off !== undefined) return { results: new Map(), off: gate.off };
    const checks = execChecksOf(runbook);
    const key = `${source.id}\n${checks.map(execKey).join('\n')}`;
    const connection = source.connection;
    const cached = this.results?.key === key ? this.results : undefined;
    if (
      connection &&
      state &&
      this.running === undefined &&
      (!cached || Date.now() - cached.at >= RERUN_MS)
    ) {
      this.running = key;
      void runExecChecks(connection.rest, checks, state)
        .then((results) => {
          this.results = { key, at: Date.now(), results };
          this.log.info(`runbook: ran ${checks.length} exec check(s) on ${source.label}`);
        })
        .finally(() => {
          this.running = undefined;
          this.changed();
        });
    }
    if (cached) return { results: cached.results };
    return { results: new Map(), off: this.running === key ? EXEC_OFF.running : EXEC_OFF.notRun };
  }
}
