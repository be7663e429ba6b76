import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { rangeOf } from '../../adapters/vscode/convert';
import type { Logger } from '../../core/log';
import type { Inspection } from '../../core/sync/inspection';
import { movedSince } from '../../core/sync/watched';
import { parseManifestFile } from '../../core/yaml/parse';
import { applyTargets, type ApplyTarget, type TargetIdentity } from '../../core/sync/targets';
import { objectsOfTemplate, type TemplateObject } from '../../core/render/template-objects';
import type { AnalysisService } from '../../services/analysis/service';
import type { RootResult } from '../../services/charts/render';
import { renderNamespace, type ChartsService } from '../../services/charts/service';
import type { ClusterSources } from '../../services/clusters/sources';
import { chartDiff } from './chart-diff';
import { currentTarget, inspectAll } from './target';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Identifies an object across edits of its file: its identity as written. */
export const identityKey = (i: Partial<TargetIdentity>) =>
  `${i.apiVersion ?? ''}|${i.kind ?? ''}|${i.namespace ?? ''}|${i.name ?? ''}`;

/** What one refresh of one document found: per object, for the saved text it checked. */
interface DriftEntry {
  readonly context: string;
  readonly hash: string;
  readonly inspections: ReadonlyMap<string, Inspection>;
}

export interface ObjectRefArg {
  readonly uri: string;
  readonly key: string;
}

class DriftLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly document: vscode.TextDocument,
    readonly key: string,
    /** On a chart template: the rendered object it stands for (the template does not name it). */
    readonly object?: string,
  ) {
    super(range);
  }
}

/** What a document's lenses compare: its saved objects, or the objects its chart renders from it. */
interface Subject {
  readonly hash: string;
  readonly targets: () => readonly ApplyTarget[] | undefined;
  /** Where objects without a namespace land (a chart's Application destination or render namespace). */
  readonly namespace?: string;
}

/** A chart template's rendered objects, per render (a render is replaced, never changed). */
interface ChartObjects {
  readonly namespace: string;
  readonly targets: readonly ApplyTarget[];
}

const TITLES: Record<Inspection['state'], (c: string, i: Inspection) => string> = {
  same: (c) => `$(check) In ${c}: same`,
  differs: (c) => `$(diff) In ${c}: differs`,
  missing: (c) => `$(diff-added) In ${c}: missing`,
  conflict: (c, i) =>
    `$(warning) In ${c}: differs · fields owned by ${[...new Set(i.conflicts?.map((x) => x.manager))].join(', ')}`,
  forbidden: (c) => `$(lock) In ${c}: forbidden`,
  invalid: (c) => `$(error) In ${c}: rejected by the API server`,
  error: (c) => `$(warning) In ${c}: cannot check`,
};

/**
 * The drift lens: above each object, how the saved file compares with the current context.
 * Lenses are placed from the analysis the editor already has; the cluster is asked only when a
 * visible lens resolves and its document was saved since the last check (or a watch saw the
 * object change): one batch of requests per document per refresh, never per keystroke.
 */
export class DriftLenses implements vscode.CodeLensProvider<DriftLens>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly entries = new Map<string, DriftEntry>();
  private readonly pending = new Map<string, Promise<DriftEntry | undefined>>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly rendered = new WeakMap<RootResult, ChartObjects | undefined>();

  constructor(
    private readonly sources: ClusterSources,
    private readonly analysis: AnalysisService,
    private readonly log: Logger,
    /** Charts rendered in the workspace: a template's lenses stand for the objects it renders. */
    private readonly charts?: ChartsService,
  ) {
    if (charts) this.disposables.push(charts.onDidRender(() => this.emitter.fire()));
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((d) => this.invalidate(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.entries.delete(d.uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.emitter.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('shipshape.drift') || e.affectsConfiguration('shipshape.codeLens'))
          this.emitter.fire();
      }),
      // Watch events come in bursts; checking once a second is plenty for a lens.
      sources.onDidChange(() => {
        this.watchTimer ??= setTimeout(() => {
          this.watchTimer = undefined;
          this.checkWatched();
        }, 1000);
      }),
    );
  }

  /**
   * Off in a restricted workspace: each check sends the workspace's manifests to the cluster
   * with the user's credentials (admission webhooks see them; a `kind: Secret` pulls live data
   * into memory), merely because a file was opened. Trusting the folder turns the lens on.
   */
  private get enabled(): boolean {
    if (!vscode.workspace.isTrusted) return false;
    const config = vscode.workspace.getConfiguration('shipshape');
    return config.get<boolean>('drift.enabled', true) && config.get<boolean>('codeLens.enabled', true);
  }

  invalidate(uri?: vscode.Uri): void {
    if (uri) this.entries.delete(uri.toString());
    else this.entries.clear();
    this.emitter.fire();
  }

  /** The latest check of one object, if any. */
  inspection(arg: ObjectRefArg): Inspection | undefined {
    return this.entries.get(arg.uri)?.inspections.get(arg.key);
  }

  provideCodeLenses(document: vscode.TextDocument): DriftLens[] {
    if (!this.enabled) return [];
    // No context, no lens: a file opened without any cluster configured stays quiet.
    if (!this.sources.list().some((s) => s.kind === 'context' && s.context?.current && !s.blocked)) return [];
    const chart = this.chartOf(document);
    if (chart === 'pending') return [];
    if (chart)
      return chart.objects.map(
        (o) =>
          new DriftLens(
            new vscode.Range(o.line, 0, o.line, 0),
            document,
            identityKey(o.target.identity),
            `${o.target.identity.kind} ${o.target.identity.name}`,
          ),
      );
    const analysis = this.analysis.analyse(document);
    if (!analysis || analysis.isTemplate) return [];
    return analysis.objects
      .filter((o) => o.identity.apiVersion && o.identity.kind && o.identity.name)
      .map((o) => new DriftLens(rangeOf(document, o.start, o.start), document, identityKey(o.identity)));
  }

  async resolveCodeLens(lens: DriftLens): Promise<DriftLens> {
    const entry = await this.ensure(lens.document);
    const inspection = entry?.inspections.get(lens.key);
    const arg: ObjectRefArg = { uri: lens.document.uri.toString(), key: lens.key };
    if (!entry || !inspection) {
      lens.command = {
        title: entry
          ? '$(circle-outline) Not checked: save the file first'
          : '$(cloud) Cluster: not connected',
        command: Commands.refreshDrift,
      };
      return lens;
    }
    const unsaved = lens.document.isDirty ? ' (saved version)' : '';
    const object = lens.object ? ` · ${lens.object}` : '';
    lens.command = {
      title: TITLES[inspection.state](entry.context, inspection) + object + unsaved,
      tooltip:
        inspection.message ??
        `${inspection.label} compared with ${entry.context} by a server-side apply dry run. Click for the diff.`,
      command: Commands.diffObject,
      arguments: [arg],
    };
    return lens;
  }

  /** The entry for the document's saved text (or its chart's render): cached, or one refresh shared by every lens. */
  private async ensure(document: vscode.TextDocument): Promise<DriftEntry | undefined> {
    if (!this.enabled) return undefined;
    const key = document.uri.toString();
    const subject = await this.subject(document);
    if (!subject) return this.entries.get(key);
    const { hash } = subject;
    const target = currentTarget(this.sources);
    if ('problem' in target) return undefined;
    const cached = this.entries.get(key);
    if (cached && cached.hash === hash && cached.context === target.contextName) return cached;
    let running = this.pending.get(key);
    if (!running) {
      running = (async () => {
        const targets = subject.targets();
        if (!targets) return undefined;
        const started = Date.now();
        const ctx = subject.namespace ? { ...target.ctx, defaultNamespace: subject.namespace } : target.ctx;
        const inspections = await inspectAll(ctx, targets);
        const entry: DriftEntry = {
          context: target.contextName,
          hash,
          inspections: new Map(inspections.map((i) => [identityKey(i.target.identity), i])),
        };
        this.entries.set(key, entry);
        this.log.debug(
          `drift: ${inspections.length} object(s) of ${vscode.workspace.asRelativePath(document.uri)} checked against ${target.contextName} in ${Date.now() - started} ms`,
        );
        return entry;
      })().finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    return running;
  }

  private async subject(document: vscode.TextDocument): Promise<Subject | undefined> {
    const chart = this.chartOf(document);
    if (chart === 'pending') return undefined;
    if (chart)
      return {
        hash: chart.hash,
        targets: () => chart.objects.map((o) => o.target),
        namespace: chart.namespace,
      };
    const text = document.isDirty ? await this.savedText(document.uri) : document.getText();
    if (text === undefined) return undefined;
    return {
      hash: sha1(text),
      targets: () => {
        const set = applyTargets(parseManifestFile(text));
        return 'refused' in set ? undefined : set.targets;
      },
    };
  }

  /**
   * A file of a chart the editor renders: the objects its last render writes from it, sent where
   * Diff with Cluster sends them (the Application's destination, else the render namespace).
   * Undefined when the render writes nothing from it (values.yaml, a `crds/` file: a plain
   * manifest keeps its own lenses); 'pending' until the chart has rendered (a literal template
   * is not sent as it is written meanwhile).
   */
  private chartOf(
    document: vscode.TextDocument,
  ):
    | { readonly objects: TemplateObject[]; readonly namespace: string; readonly hash: string }
    | 'pending'
    | undefined {
    const charts = this.charts;
    if (!charts?.rendersFile(document.uri)) return undefined;
    const root = charts.rootsFor(document.uri).find((r) => r.kind === 'helm');
    if (!root) return undefined;
    const result = charts.resultFor(root);
    if (!result) return 'pending';
    if (!result.lint) return undefined;
    if (!this.rendered.has(result)) {
      const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? root.dir;
      const diff = chartDiff(root, result, charts.plansFor(root), renderNamespace(), folder);
      this.rendered.set(
        result,
        'refused' in diff ? undefined : { namespace: diff.namespace, targets: diff.targets },
      );
    }
    const rendered = this.rendered.get(result);
    if (!rendered) return undefined;
    const objects = objectsOfTemplate(result.lint, rendered.targets, document.uri.fsPath);
    if (objects.length === 0) return undefined;
    return {
      objects,
      namespace: rendered.namespace,
      hash: sha1(`${rendered.namespace}\0${result.lint.file.text}`),
    };
  }

  private async savedText(uri: vscode.Uri): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  /** A watched object changed (or appeared, or went) since it was checked: that document is rechecked. */
  private checkWatched(): void {
    if (!this.enabled) return;
    const target = currentTarget(this.sources);
    if ('problem' in target) return;
    const { connection } = target;
    if (connection.loading()) return;
    const state = connection.state();
    // An empty list we may not read says nothing about whether the object is gone.
    const unreadable = connection.missing();
    let changed = false;
    for (const [uri, entry] of this.entries) {
      // The current context moved (`kubectl config use-context`): check against the new one.
      if (entry.context !== target.contextName) {
        this.entries.delete(uri);
        changed = true;
        continue;
      }
      const moved = [...entry.inspections.values()].some((i) => movedSince(i, state, unreadable));
      if (moved) {
        this.entries.delete(uri);
        changed = true;
      }
    }
    if (changed) this.emitter.fire();
  }

  dispose(): void {
    clearTimeout(this.watchTimer);
    for (const d of this.disposables) d.dispose();
  }
}
