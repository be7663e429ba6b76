import * as vscode from 'vscode';
import { analysisSettings, type AnalysisSettings } from '../../adapters/vscode/config';
import { problemToDiagnostic, rangeOf, toDiagnostic } from '../../adapters/vscode/convert';
import { IncrementalAnalyser, type FileAnalysis } from '../../core/analysis/file-analysis';
import { manifestVerdict } from '../../core/analysis/path-policy';
import { sizeLimitNote } from '../../core/analysis/size-limit';
import type { Logger } from '../../core/log';
import { allRules } from '../../core/rules/registry';
import type { AnalyseOptions } from '../../core/rules/engine';
import { WorkspaceIndex } from './workspace-index';

const RULE_IDS = allRules.map((r) => r.id);
const LANGUAGES = new Set(['yaml', 'helm', 'helm-template']);

/** Shipshape's own read-only views (live YAML, fix previews, cluster diffs): never analysed or applied. */
const OWN_SCHEMES = new Set(['shipshape-live', 'shipshape-preview', 'shipshape-cluster']);

export function isManifestDocument(document: vscode.TextDocument): boolean {
  return (
    LANGUAGES.has(document.languageId) &&
    manifestVerdict(document.uri.path, 'named').manifest &&
    !OWN_SCHEMES.has(document.uri.scheme) &&
    document.uri.scheme !== 'git'
  );
}

interface Entry {
  readonly analyser: IncrementalAnalyser;
  version: number;
  indexVersion: number;
  analysis: FileAnalysis | undefined;
  /** Set when the file is over the size limit: the note shown instead of an analysis. */
  tooLarge: string | undefined;
}

/**
 * Owns analysis state for open YAML documents: one incremental analyser each, results cached per
 * document version, diagnostics published after a short debounce while typing.
 */
export class AnalysisService implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('shipshape');
  private readonly entries = new Map<string, Entry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidAnalyse = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  settings: AnalysisSettings;
  /**
   * Files whose findings another feature publishes from a render (templates of a chart Shipshape
   * renders): their literal-only findings would repeat, or contradict, the rendered ones.
   */
  renderedElsewhere: ((uri: vscode.Uri) => boolean) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    this.settings = analysisSettings(RULE_IDS);
    this.index = new WorkspaceIndex(log, () => this.settings.maxFileBytes);
    this.disposables.push(
      this.index,
      this.diagnostics,
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 150)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('shipshape')) this.reconfigure();
      }),
      this.index.onDidChange(() => this.refreshAll(300)),
    );
    if (this.settings.scope !== 'file') void this.index.ready().then(() => this.refreshAll(0));
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  docsUri = (rule: string): vscode.Uri =>
    vscode.Uri.joinPath(this.extensionUri, 'docs', 'rules.md').with({ fragment: rule });

  private config(): Omit<AnalyseOptions, 'index' | 'path'> {
    return { rules: allRules, severities: this.settings.severities, options: this.settings.options };
  }

  private reconfigure(): void {
    this.settings = analysisSettings(RULE_IDS);
    this.entries.clear();
    this.diagnostics.clear();
    this.refreshAll(0);
  }

  private refreshAll(delay: number): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, delay);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isManifestDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.publish(document);
      }, delay),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.entries.delete(key);
    this.diagnostics.delete(uri);
    this.index.setOverride(uri, undefined);
  }

  /** The analysis of a document's current text (computed now if stale). */
  analyse(document: vscode.TextDocument): FileAnalysis | undefined {
    if (!this.settings.enabled || !isManifestDocument(document)) return undefined;
    const key = document.uri.toString();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        analyser: new IncrementalAnalyser(vscode.workspace.asRelativePath(document.uri), this.config()),
        version: -1,
        indexVersion: -1,
        analysis: undefined,
        tooLarge: undefined,
      };
      this.entries.set(key, entry);
    }
    if (entry.version === document.version && entry.indexVersion === this.index.version)
      return entry.analysis;
    const text = document.getText();
    entry.version = document.version;
    entry.indexVersion = this.index.version;
    entry.tooLarge = sizeLimitNote(text, this.settings.maxFileBytes);
    if (entry.tooLarge) {
      entry.analysis = undefined;
      return undefined;
    }
    const started = performance.now();
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const scope = this.settings.scope;
    const external =
      scope === 'file'
        ? { scope: 'file' as const, objects: [], version: 0 }
        : {
            scope,
            objects: this.index.objects(document.uri, scope === 'folder' ? folder?.uri : undefined),
            version: this.index.version,
          };
    entry.analysis = entry.analyser.update(text, external);
    this.index.setOverride(document.uri, entry.analysis.index);
    const ms = performance.now() - started;
    if (ms > 50)
      this.log.debug(`analysed ${vscode.workspace.asRelativePath(document.uri)} in ${ms.toFixed(1)} ms`);
    return entry.analysis;
  }

  private publish(document: vscode.TextDocument): void {
    if (document.isClosed) return;
    try {
      const analysis = this.analyse(document);
      const entry = this.entries.get(document.uri.toString());
      if (entry?.tooLarge) {
        const note = new vscode.Diagnostic(
          rangeOf(document, 0, 0),
          entry.tooLarge,
          vscode.DiagnosticSeverity.Information,
        );
        note.source = 'shipshape';
        this.diagnostics.set(document.uri, [note]);
      } else if (analysis) {
        this.diagnostics.set(document.uri, [
          ...analysis.problems.map((p) => problemToDiagnostic(document, p)),
          ...(this.renderedElsewhere?.(document.uri)
            ? []
            : analysis.findings.map((f) => toDiagnostic(document, f, this.docsUri))),
        ]);
      } else {
        this.diagnostics.delete(document.uri);
      }
      this.emitter.fire(document.uri);
    } catch (error) {
      // Analysis must never break the editor: the log gets the detail, the file stays usable.
      this.log.error(
        `analysis of ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }

  /** Publishes every open document again (a feature's `renderedElsewhere` answer changed). */
  republish(): void {
    this.refreshAll(0);
  }

  /** Analysis options for one-shot operations (fixes) on a document. */
  optionsFor(document: vscode.TextDocument): AnalyseOptions {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const scope = this.settings.scope;
    const base = { ...this.config(), path: vscode.workspace.asRelativePath(document.uri) };
    if (scope === 'file') return base;
    const analysis = this.analyse(document);
    return {
      ...base,
      index: {
        scope,
        objects: [
          ...this.index.objects(document.uri, scope === 'folder' ? folder?.uri : undefined),
          ...(analysis?.index ?? []),
        ],
      },
    };
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
