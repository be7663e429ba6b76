import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { raiseMemoryLimit } from '../../core/fixes/memory';
import { refOf } from '../../core/explorer/ref';
import { findObject, type ObjectName } from '../../core/manifest/find';
import { parseManifestFile } from '../../core/yaml/parse';
import type { FixPreview } from '../../services/fix-preview';
import type { AnalysisService } from '../../services/analysis/service';
import type { ProblemNode } from '../../services/clusters/problem-node';
import type { ClusterSources } from '../../services/clusters/sources';
import { liveManagement, type ChartSources } from './chart-sources';

/** The workload a tree item or problem comes from: a pod's top-level owner, else the object. */
export function ownerOf(arg: unknown): ObjectName | undefined {
  return refOf(arg)?.definedBy;
}

const describe = (ref: ObjectName) => `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/**
 * Live → manifest: the workspace index says which files define a live object, so the explorer
 * opens the exact document, and a pod's problem can be fixed where it comes from.
 */
export class ManifestLinks {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly sources: ClusterSources,
    private readonly preview: FixPreview,
    /** Charts and overlays rendered in the workspace (absent without the charts feature). */
    private readonly charts?: ChartSources,
  ) {}

  /** Who manages the item's object in the cluster it came from (Helm release, Argo CD app). */
  private managed(arg: unknown, ref: ObjectName) {
    const source = (arg as { source?: Parameters<ClusterSources['clusterState']>[0] } | undefined)?.source;
    return source ? liveManagement(this.sources.clusterState(source), ref) : undefined;
  }

  /** The manifest document defining `ref` (the user picks when several do), or undefined after saying why. */
  private async documentDefining(ref: ObjectName): Promise<vscode.TextDocument | undefined> {
    await this.analysis.index.ready();
    const uris = this.analysis.index.filesDefining(ref);
    if (uris.length === 0) {
      void vscode.window.showInformationMessage(
        `Shipshape: no manifest in this workspace defines ${describe(ref)}.`,
      );
      return undefined;
    }
    const uri =
      uris.length === 1
        ? uris[0]
        : (
            await vscode.window.showQuickPick(
              uris.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
              { title: `Manifests defining ${describe(ref)}` },
            )
          )?.uri;
    return uri ? vscode.workspace.openTextDocument(uri) : undefined;
  }

  async open(arg: unknown): Promise<void> {
    const ref = ownerOf(arg);
    if (!ref) return;
    const managed = this.managed(arg, ref);
    // A Helm release's object is written by its chart's templates, not by a manifest.
    if (managed && (await this.charts?.open(ref, managed))) return;
    await this.analysis.index.ready();
    // Not in a plain manifest: perhaps rendered by a chart or overlay (Kustomize: its base).
    if (this.analysis.index.filesDefining(ref).length === 0 && (await this.charts?.open(ref, undefined)))
      return;
    const document = await this.documentDefining(ref);
    if (!document) return;
    const object = findObject(parseManifestFile(document.getText()), ref);
    const position = document.positionAt(object?.node.range?.[0] ?? 0);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
  }

  /** OOMKilled → the memory limit of that container, raised in its manifest (previewed, undoable). */
  async raiseMemoryLimit(arg: unknown): Promise<void> {
    const node = arg as ProblemNode | undefined;
    const ref = ownerOf(arg);
    if (!node || !('problem' in node) || !ref) return;
    const { problem, source } = node;
    const containerName = problem.lastTermination?.container ?? problem.container;
    const pod = this.sources
      .clusterState(source)
      ?.pods.find((p) => p.metadata?.namespace === problem.namespace && p.metadata?.name === problem.pod);
    const liveLimit = pod?.spec?.containers?.find((c) => c.name === containerName)?.resources?.limits?.[
      'memory'
    ];
    const managed = this.managed(arg, ref);
    // A Helm release: the limit is raised in the values (or template) its chart reads.
    if (
      managed?.helm &&
      (await this.charts?.raiseMemoryLimit(ref, managed, {
        ...(containerName ? { container: containerName } : {}),
        ...(liveLimit ? { liveLimit } : {}),
      }))
    )
      return;
    const document = await this.documentDefining(ref);
    if (!document) return;
    const result = raiseMemoryLimit(parseManifestFile(document.getText()), ref, {
      ...(containerName ? { container: containerName } : {}),
      ...(liveLimit ? { liveLimit } : {}),
    });
    if ('problem' in result) {
      void vscode.window.showWarningMessage(`Shipshape: cannot raise the memory limit: ${result.problem}.`);
      return;
    }
    const title = `Raise ${result.container}'s memory limit ${result.from ?? '(none)'} → ${result.to} in ${ref.name}`;
    if (!(await this.preview.confirm(document, result.edits, title))) return;
    const choice = await vscode.window.showInformationMessage(
      `Shipshape: ${ref.name}'s memory limit is now ${result.to} in ${vscode.workspace.asRelativePath(document.uri)}. Save, then apply it to roll it out.`,
      'Apply to Cluster…',
    );
    if (choice) await vscode.commands.executeCommand(Commands.applyToCluster, document.uri);
  }
}
