import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { renderChart } from '../../adapters/render/helm';
import { DEFAULT_LIMITS } from '../../adapters/render/run';
import { findInState } from '../../core/k8s/kinds';
import { managementOf, type Management } from '../../core/k8s/management';
import type { ClusterState, ObjectMeta } from '../../core/k8s/types';
import type { Logger } from '../../core/log';
import type { ObjectName } from '../../core/manifest/find';
import type { RenderLint } from '../../core/render/helm-map';
import { renderedDocumentOf, type RenderedRef } from '../../core/render/locate-object';
import { raiseMemoryAtSource, type SourceMemoryRaise } from '../../core/render/memory-source';
import { nodeAtPath, parseRendered } from '../../core/render/rendered';
import { applyEdits } from '../../core/edit/text-edit';
import type { FixPreview } from '../../services/fix-preview';
import type { SourceRoot } from '../../services/charts/roots';
import type { ChartsService } from '../../services/charts/service';

/** Who manages a live object, from the cluster state the explorer holds (labels and Helm/Argo annotations). */
export function liveManagement(state: ClusterState | undefined, ref: ObjectName): Management | undefined {
  if (!state) return undefined;
  const lookup = (kind: string, namespace: string | undefined, name: string): ObjectMeta | undefined =>
    findInState(state, kind, namespace, name)?.metadata;
  return managementOf(ref.kind, lookup(ref.kind, ref.namespace, ref.name), lookup);
}

interface Rendered {
  readonly root: SourceRoot;
  readonly lint: RenderLint;
}

const place = (file: string) => vscode.workspace.asRelativePath(file);

/**
 * Live → chart or overlay: the workspace root whose render holds a live object (charts first for a
 * Helm release, the one named like the release first), and what to open or edit there.
 */
export class ChartSources {
  constructor(
    private readonly charts: ChartsService,
    private readonly preview: FixPreview,
    private readonly log: Logger,
  ) {}

  /** The render of the workspace that produces `ref`, rendering roots not rendered yet. */
  async renderedFor(ref: RenderedRef, managed: Management | undefined): Promise<Rendered | undefined> {
    // Rendering runs the user's Helm plugins and Kustomize exec plugins: never in Restricted Mode.
    if (!vscode.workspace.isTrusted) return undefined;
    await this.charts.ready();
    const release = managed?.helm?.release ?? managed?.argo?.app;
    const roots = [...this.charts.allRoots()]
      .filter((r) => (managed?.helm ? r.kind === 'helm' : true))
      .sort((a, b) => Number(basename(b.dir) === release) - Number(basename(a.dir) === release));
    for (const root of roots) {
      const lint = (await this.charts.resultNow(root))?.lint;
      if (lint && renderedDocumentOf(lint, ref) !== undefined) return { root, lint };
    }
    return undefined;
  }

  /** Opens the template (or base) line that writes the object; false when no root renders it. */
  async open(ref: ObjectName, managed: Management | undefined): Promise<boolean> {
    const target = { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    const found = await this.renderedFor(target, managed);
    if (!found) return false;
    const index = renderedDocumentOf(found.lint, target) as number;
    const at = found.lint.locate?.(index, ['metadata', 'name']) ?? found.lint.locate?.(index, ['kind']);
    if (!at) return false;
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(at.file));
    const position = new vscode.Position(at.line, at.column);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
    this.log.info(
      `${ref.kind} ${ref.name} is rendered by ${place(found.root.dir)}: opened ${place(at.file)}:${at.line + 1}`,
    );
    return true;
  }

  /**
   * OOMKilled in a chart: the container's memory limit raised in the values key or template line
   * that writes it, checked by rendering an edited copy, previewed, then saved (the chart renders
   * again). False when no chart in the workspace renders the object.
   */
  async raiseMemoryLimit(
    ref: ObjectName,
    managed: Management | undefined,
    options: { readonly container?: string; readonly liveLimit?: string },
  ): Promise<boolean> {
    const target = { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    const found = await this.renderedFor(target, managed);
    if (!found || found.root.kind !== 'helm') return false;
    const dirty = vscode.workspace.textDocuments.filter(
      (d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath.startsWith(found.root.dir),
    );
    if (dirty.length > 0) {
      void vscode.window.showWarningMessage(
        `Shipshape: save ${dirty.map((d) => place(d.uri.fsPath)).join(', ')} first: the chart is rendered from the saved files.`,
      );
      return true;
    }
    const raise = raiseMemoryAtSource(found.lint, target, options, (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    });
    if ('problem' in raise) {
      void vscode.window.showWarningMessage(`Shipshape: cannot raise the memory limit: ${raise.problem}.`);
      return true;
    }
    const where = `${place(raise.file)}:${raise.line + 1}${raise.key ? ` (${raise.key})` : ''}`;
    const helm = this.charts.toolPath('helm');
    if (!helm) return false;
    const verdict = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Shipshape: checking the new limit with helm template…',
      },
      () => renderedLimitAfter(helm, found.root, raise, target),
    );
    if (verdict !== raise.to) {
      const message = `Shipshape: not changed: with ${where} edited, the chart renders ${ref.name}'s limit as ${verdict ?? 'nothing'}, not ${raise.to}.`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message);
      return true;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(raise.file));
    const title = `Raise ${raise.container}'s memory limit ${raise.from ?? '(none)'} → ${raise.to} in ${ref.name} (${where})`;
    if (!(await this.preview.confirm(document, raise.edits, title))) return true;
    await document.save();
    await this.charts.rerender(found.root);
    const next = managed?.argo
      ? `Commit and sync (Argo CD app ${managed.argo.app}) to roll it out.`
      : managed?.helm
        ? `Run helm upgrade ${managed.helm.release} to roll it out.`
        : 'Roll the chart out to apply it.';
    const message = `Shipshape: ${ref.name}'s memory limit is now ${raise.to}: edited ${where}; the chart renders it. ${next}`;
    this.log.info(message);
    void vscode.window.showInformationMessage(message);
    return true;
  }
}

/** Renders a copy of the chart with the edit: the container's memory limit as it renders then. */
async function renderedLimitAfter(
  helm: string,
  root: SourceRoot,
  raise: SourceMemoryRaise,
  ref: RenderedRef,
): Promise<string | undefined> {
  const work = mkdtempSync(join(tmpdir(), 'shipshape-memory-'));
  try {
    const copy = join(work, basename(root.dir));
    cpSync(root.dir, copy, { recursive: true, filter: (src) => !/[\\/](\.git|node_modules)$/.test(src) });
    const file = join(copy, relative(root.dir, raise.file));
    writeFileSync(file, applyEdits(readFileSync(file, 'utf8'), raise.edits));
    const outcome = await renderChart({
      helm,
      chart: copy,
      release: basename(root.dir),
      namespace: 'default',
      values: [],
      set: [],
      limits: DEFAULT_LIMITS,
      probe: false,
    });
    if (!outcome.ok) return `an error (${outcome.errors[0]?.message ?? 'helm template failed'})`;
    const lint = { file: parseRendered(outcome.render.rendered), findings: [], problems: [] };
    const index = renderedDocumentOf(lint, ref);
    const root0 = index === undefined ? undefined : lint.file.documents[index]?.root;
    const node = nodeAtPath(root0, [...raise.renderedPath, 'resources', 'limits', 'memory']);
    const value = node && 'value' in node ? node.value : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
