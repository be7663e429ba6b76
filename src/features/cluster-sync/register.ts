import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { DisposableStore } from '../../adapters/vscode/disposables';
import { documentFor } from '../../adapters/vscode/documents';
import type { Logger } from '../../core/log';
import { planLine, type Inspection } from '../../core/sync/inspection';
import { isManifestDocument } from '../../services/analysis/service';
import { isProtectedSource } from '../../services/clusters/protection';
import type { ClusterSources } from '../../services/clusters/sources';
import type { ChartsService } from '../../services/charts/service';
import { renderNamespace } from '../../services/charts/service';
import type { Services } from '../../services/container';
import { confirmAndApply } from './apply';
import { ClusterDiffView } from './diff-view';
import { DriftLenses, identityKey, type ObjectRefArg } from './drift';
import { chartDiff } from './chart-diff';
import { ChartSources } from './chart-sources';
import { ManifestLinks } from './manifests';
import { currentTarget, documentTargets, inspectAll, type SyncTarget } from './target';

const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }];

const fileName = (document: vscode.TextDocument) => vscode.workspace.asRelativePath(document.uri);

/**
 * Manifests meet the cluster: diff with live (server-side apply dry run), apply with
 * confirmation, and the drift lens.
 */
export function registerClusterSync(services: Services): vscode.Disposable {
  const { clusters, analysis, preview, charts, log } = services;
  const store = new DisposableStore();
  const view = store.add(new ClusterDiffView());
  const drift = store.add(new DriftLenses(clusters, analysis, log, charts));
  store.add(vscode.languages.registerCodeLensProvider(SELECTOR, drift));
  const commands = new SyncCommands(clusters, view, drift, log, charts);
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    store.add(vscode.commands.registerCommand(id, fn));
  reg(Commands.diffWithCluster, (arg?: unknown) => commands.diffFile(arg));
  reg(Commands.diffObject, (arg: ObjectRefArg) => commands.diffObject(arg));
  reg(Commands.applyToCluster, (arg?: unknown) => commands.apply(arg));
  reg(Commands.refreshDrift, () => drift.invalidate());
  const links = new ManifestLinks(analysis, clusters, preview, new ChartSources(charts, preview, log));
  reg(Commands.openManifest, (arg: unknown) => links.open(arg));
  reg(Commands.raiseMemoryLimit, (arg: unknown) => links.raiseMemoryLimit(arg));
  return store;
}

class SyncCommands {
  constructor(
    private readonly sources: ClusterSources,
    private readonly view: ClusterDiffView,
    private readonly drift: DriftLenses,
    private readonly log: Logger,
    private readonly charts?: ChartsService,
  ) {}

  /** The document and cluster a command works on, or undefined after telling the user why not. */
  private async prepare(arg: unknown, verb: string) {
    const document = await documentFor(arg);
    if (!document || !isManifestDocument(document)) {
      void vscode.window.showWarningMessage(`Shipshape: open a Kubernetes YAML file to ${verb}.`);
      return undefined;
    }
    const targets = documentTargets(document);
    if ('refused' in targets) {
      void vscode.window.showWarningMessage(
        `Shipshape: cannot ${verb} ${fileName(document)}. ${targets.refused}`,
      );
      return undefined;
    }
    for (const problem of targets.problems) this.log.warn(`${fileName(document)}: ${problem}`);
    if (targets.targets.length === 0) {
      void vscode.window.showWarningMessage(
        `Shipshape: ${fileName(document)} has no complete Kubernetes object (apiVersion, kind, metadata.name) to ${verb}.`,
      );
      return undefined;
    }
    const target = currentTarget(this.sources);
    if ('problem' in target) {
      const choice = await vscode.window.showWarningMessage(
        `Shipshape: cannot ${verb}: ${target.problem}`,
        'Open kubeconfig…',
      );
      if (choice) await vscode.commands.executeCommand(Commands.openKubeconfig);
      return undefined;
    }
    return { document, targets: targets.targets, problems: targets.problems, target };
  }

  private inspect(target: SyncTarget, what: string, run: Parameters<typeof inspectAll>[1]) {
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Shipshape: ${what} (dry run on ${target.contextName})…`,
        cancellable: true,
      },
      (_progress, token) => inspectAll(target.ctx, run, token),
    );
  }

  private warnUnchecked(inspections: readonly Inspection[], problems: readonly string[]): void {
    const unchecked = inspections.filter((i) => !i.comparison);
    if (unchecked.length === 0 && problems.length === 0) return;
    for (const i of unchecked) this.log.warn(planLine(i));
    void vscode.window.showWarningMessage(
      `Shipshape: ${[...problems, ...unchecked.map(planLine)].join(' · ')}`,
    );
  }

  /**
   * A file of a chart the editor renders (Chart.yaml, a template, values.yaml): its render, with
   * the namespace Helm would install into. Undefined for any other file (and in Restricted Mode).
   */
  private async prepareChart(arg: unknown) {
    const charts = this.charts;
    const document = await documentFor(arg);
    if (!charts || !document || !charts.rendersFile(document.uri)) return undefined;
    const root = charts.rootsFor(document.uri).find((r) => r.kind === 'helm');
    if (!root) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? root.dir;
    const diff = chartDiff(
      root,
      await charts.resultNow(root),
      charts.plansFor(root),
      renderNamespace(),
      folder,
    );
    if ('refused' in diff) {
      void vscode.window.showWarningMessage(`Shipshape: cannot diff ${fileName(document)}. ${diff.refused}`);
      return 'refused';
    }
    for (const problem of diff.problems) this.log.warn(`${diff.name}: ${problem}`);
    if (diff.targets.length === 0) {
      void vscode.window.showWarningMessage(`Shipshape: ${diff.name} renders no object to diff.`);
      return 'refused';
    }
    const target = currentTarget(this.sources);
    if ('problem' in target) {
      void vscode.window.showWarningMessage(`Shipshape: cannot diff: ${target.problem}`);
      return 'refused';
    }
    const scoped = { ...target, ctx: { ...target.ctx, defaultNamespace: diff.namespace } };
    return { name: diff.name, targets: diff.targets, problems: diff.problems, target: scoped };
  }

  async diffFile(arg: unknown): Promise<void> {
    const chart = await this.prepareChart(arg);
    if (chart === 'refused') return;
    const plain = chart ? undefined : await this.prepare(arg, 'diff');
    const ready = chart ?? (plain ? { ...plain, name: fileName(plain.document) } : undefined);
    if (!ready) return;
    const name = ready.name;
    const inspections = await this.inspect(ready.target, `comparing ${name}`, ready.targets);
    this.warnUnchecked(inspections, ready.problems);
    if (inspections.length === 0) return;
    const changed = inspections.filter((i) => i.comparison && i.comparison.state !== 'same');
    if (changed.length === 0 && inspections.every((i) => i.comparison))
      void vscode.window.showInformationMessage(
        `Shipshape: ${name} is in sync with ${ready.target.contextName}.`,
      );
    await this.view.open(inspections, name, ready.target.contextName);
  }

  async diffObject(arg: ObjectRefArg): Promise<void> {
    // A drift lens on a chart template stands for an object of the chart's render.
    const chart = await this.prepareChart(arg.uri);
    if (chart === 'refused') return;
    const ready = chart ?? (await this.prepare(arg.uri, 'diff'));
    if (!ready) return;
    const object = ready.targets.find((t) => identityKey(t.identity) === arg.key);
    if (!object)
      return void vscode.window.showWarningMessage('Shipshape: that object is no longer in the file.');
    const [inspection] = await this.inspect(ready.target, `comparing ${object.identity.name}`, [object]);
    if (!inspection) return;
    if (!inspection.comparison) {
      void vscode.window.showWarningMessage(`Shipshape: ${planLine(inspection)}`);
      return;
    }
    await this.view.open(
      [inspection],
      `${object.identity.kind}-${object.identity.name}`,
      ready.target.contextName,
    );
  }

  async apply(arg: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Shipshape: applying to a cluster is disabled in an untrusted workspace. Trust the workspace to enable it.',
      );
      return;
    }
    const document = await documentFor(arg);
    if (document?.isDirty) {
      const choice = await vscode.window.showWarningMessage(
        `Shipshape: ${fileName(document)} has unsaved changes. Apply what the editor shows?`,
        { modal: true },
        'Save and Apply',
      );
      if (choice !== 'Save and Apply' || !(await document.save())) return;
    }
    const ready = await this.prepare(document?.uri ?? arg, 'apply');
    if (!ready) return;
    if (ready.target.source.readonly) {
      void vscode.window.showWarningMessage(`Shipshape: ${ready.target.contextName} is read-only here.`);
      return;
    }
    const results = await confirmAndApply(
      ready.target,
      ready.targets,
      fileName(ready.document),
      isProtectedSource(this.sources, ready.target.source),
      this.log,
    );
    if (results.length > 0) this.drift.invalidate(ready.document.uri);
  }
}
