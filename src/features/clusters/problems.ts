import * as vscode from 'vscode';
import type { Problem } from '../../core/health/summary';
import { nearLimitProblems } from '../../core/usage/problems';
import type { HealthModel } from '../../services/clusters/health-model';
import { markdown, problemDescription, problemLabel, severityIcon } from './render';
import type { ProblemNode } from '../../services/clusters/problem-node';
import type { ClusterSources } from '../../services/clusters/sources';
import type { ClusterUsage } from './usage';

const ICONS: Record<Problem['kind'], string> = {
  pod: 'symbol-event',
  workload: 'layers',
  job: 'tasklist',
  node: 'vm',
  application: 'git-merge',
  quota: 'dashboard',
};

/** Every unhealthy pod and failing workload across connected clusters, most urgent first. */
export class ProblemsTree implements vscode.TreeDataProvider<ProblemNode> {
  private readonly emitter = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly sources: ClusterSources,
    private readonly model: HealthModel,
    private readonly usage: ClusterUsage,
  ) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: ProblemNode): ProblemNode[] {
    if (node) return [];
    const out: ProblemNode[] = [];
    for (const source of this.sources.list()) {
      const health = this.model.health(source);
      const problems = health?.problems ?? [];
      for (const problem of problems) out.push({ source, problem });
      // Usage (metrics-server) adds what status cannot show yet: a container about to be killed.
      const state = this.sources.clusterState(source);
      if (state)
        for (const problem of nearLimitProblems(state, this.usage.pods(source), problems))
          out.push({ source, problem });
    }
    // Stable: severity first, then the order each source already ranked them in.
    return out.sort((a, b) => b.problem.severity - a.problem.severity);
  }

  getTreeItem({ source, problem }: ProblemNode): vscode.TreeItem {
    const item = new vscode.TreeItem(problemLabel(problem));
    item.id = `${source.id}|${problem.kind}|${problem.namespace}|${problem.pod ?? problem.owner.kind + '/' + problem.owner.name}|${problem.reason}`;
    item.description = problemDescription(problem);
    item.iconPath = severityIcon(ICONS[problem.kind] ?? 'warning', problem.severity);
    // `:oom` offers the manifest fix (raise the memory limit) on pods the kernel killed or is about to.
    const oom =
      problem.reason === 'OOMKilled' ||
      problem.reason === 'OOMKilled soon' ||
      problem.lastTermination?.reason === 'OOMKilled';
    item.contextValue = `shipshape:problem:${problem.kind}:${source.readonly ? 'ro' : 'rw'}${oom ? ':oom' : ''}`;
    item.tooltip = markdown((md) => {
      md.appendMarkdown('**');
      md.appendText(problem.reason);
      md.appendMarkdown('** — ');
      md.appendText(`${problem.namespace}/${problem.pod ?? problem.owner.name}`);
      md.appendMarkdown('\n\n');
      md.appendText(
        `Owner: ${problem.owner.kind}/${problem.owner.name}${problem.container ? ` · container ${problem.container}` : ''}${problem.restarts ? ` · ${problem.restarts} restarts` : ''}`,
      );
      if (problem.message) {
        md.appendMarkdown('\n\n> ');
        md.appendText(problem.message);
      }
      md.appendMarkdown('\n\n**Next step:** ');
      md.appendText(problem.suggestion);
      md.appendMarkdown('\n\n');
      md.appendText(`Cluster: ${source.label}`);
    });
    item.command = {
      title: 'Reveal in Clusters',
      command: 'shipshape.revealProblem',
      arguments: [{ source: source.id, problem }],
    };
    return item;
  }
}
