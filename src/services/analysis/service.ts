import * as vscode from 'vscode';
import { analysisSettings, explicitOptions, type AnalysisSettings } from '../../adapters/vscode/config';
import { moveDiagnostic, problemToDiagnostic, rangeOf, toDiagnostic } from '../../adapters/vscode/convert';
import { ConvertedGroups } from '../../core/analysis/converted-groups';
import {
  IncrementalAnalyser,
  type ExternalScope,
  type FileAnalysis,
} from '../../core/analysis/file-analysis';
import { manifestVerdict } from '../../core/analysis/path-policy';
import { sizeLimitNote } from '../../core/analysis/size-limit';
import { ChangeLog } from '../../core/analysis/text-changes';
import { mergeProjectConfig } from '../../core/config/project-config';
import type { Logger } from '../../core/log';
import { allRules } from '../../core/rules/registry';
import type { AnalyseOptions } from '../../core/rules/engine';
import type { WorkerConfig } from '../../protocol/analysis-worker';
import { OFF_THREAD_BYTES, OffThreadAnalyser, type OffThreadAnalysis } from './off-thread';
import { ProjectConfigFile } from './project-config';
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

/** One YAML document's diagnostics, kept across a big file's updates. */
interface DocumentDiagnostics {
  readonly problems: readonly vscode.Diagnostic[];
  readonly findings: readonly vscode.Diagnostic[];
}

interface Entry {
  readonly analyser: IncrementalAnalyser;
  version: number;
  indexVersion: number;
  analysis: FileAnalysis | undefined;
  /** Set when the file is over the size limit: the note shown instead of an analysis. */
  tooLarge: string | undefined;
}

/** The length of a document's text without copying it out (`getText` on 2 MB is not free). */
const lengthOf = (document: vscode.TextDocument): number =>
  document.offsetAt(document.lineAt(document.lineCount - 1).range.end);

/**
 * Owns analysis state for open YAML documents: one incremental analyser each, results cached per
 * document version, diagnostics published after a short debounce while typing. Documents over
 * `OFF_THREAD_BYTES` are analysed on a worker thread, so the extension host never waits on them:
 * their diagnostics (and lenses, code actions) arrive when ready and the old ones stay until then.
 */
export class AnalysisService implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('shipshape');
  private readonly entries = new Map<string, Entry>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidAnalyse = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly offThread: OffThreadAnalyser;
  /** Per big document, its changes since the worker got its whole text: a keystroke posts those. */
  private readonly changeLog = new ChangeLog();
  /**
   * Per big document, the diagnostics made of each YAML document's results: a keystroke moves every
   * later document, and converting all their findings again on every reply blocked the host.
   */
  private readonly converted = new Map<string, ConvertedGroups<DocumentDiagnostics>>();
  /** Bumped with the settings: the worker rebuilds its analysers. */
  private generation = 0;
  settings: AnalysisSettings;
  private readonly project: ProjectConfigFile;
  /**
   * Files whose findings another feature publishes from a render (templates of a chart Shipshape
   * renders): their literal-only findings would repeat, or contradict, the rendered ones.
   */
  renderedElsewhere: ((uri: vscode.Uri) => boolean) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    this.project = new ProjectConfigFile(new Set(RULE_IDS));
    this.settings = this.readSettings();
    this.offThread = new OffThreadAnalyser(
      vscode.Uri.joinPath(extensionUri, 'dist', 'analysis-worker.js').fsPath,
      log,
    );
    this.index = new WorkspaceIndex(log, () => this.settings.maxFileBytes, {
      bytes: OFF_THREAD_BYTES,
      index: (path, text) => this.offThread.index(path, text),
    });
    this.disposables.push(
      this.project,
      this.project.onDidChange(() => this.reconfigure()),
      this.index,
      this.diagnostics,
      this.emitter,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const key = e.document.uri.toString();
        this.changeLog.record(key, e.document.version, e.contentChanges);
        this.converted.get(key)?.record(e.contentChanges);
        this.schedule(e.document, 150);
      }),
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

  /** VS Code settings merged with the workspace's `.shipshape.yaml`: a setting set in VS Code wins. */
  private readSettings(): AnalysisSettings {
    const settings = analysisSettings(RULE_IDS);
    return { ...settings, ...mergeProjectConfig(settings, this.project.config, explicitOptions()) };
  }

  private reconfigure(): void {
    this.settings = this.readSettings();
    this.generation++;
    this.entries.clear();
    this.converted.clear();
    this.diagnostics.clear();
    this.refreshAll(0);
  }

  private refreshAll(delay: number): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, delay);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isManifestDocument(document) || this.project.isExcluded(document.uri)) return;
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
    this.changeLog.forget(key);
    this.converted.delete(key);
    this.offThread.forget(key);
    this.diagnostics.delete(uri);
    this.index.setOverride(uri, undefined);
  }

  private entryOf(document: vscode.TextDocument): Entry {
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
    return entry;
  }

  private external(document: vscode.TextDocument): ExternalScope {
    const scope = this.settings.scope;
    if (scope === 'file') return { scope: 'file', objects: [], version: 0 };
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    return {
      scope,
      objects: this.index.objects(document.uri, scope === 'folder' ? folder?.uri : undefined),
      version: this.index.version,
    };
  }

  private fresh(entry: Entry, document: vscode.TextDocument): boolean {
    return entry.version === document.version && entry.indexVersion === this.index.version;
  }

  /**
   * The analysis of a document's current text: computed now if stale, except for files analysed
   * off-thread, whose stale analysis is `undefined` until the worker's arrives (then
   * `onDidAnalyse` fires): lenses and code actions never make the extension host wait.
   */
  analyse(document: vscode.TextDocument): FileAnalysis | undefined {
    if (!this.settings.enabled || !isManifestDocument(document)) return undefined;
    const entry = this.entryOf(document);
    if (this.fresh(entry, document)) return entry.analysis;
    if (lengthOf(document) > OFF_THREAD_BYTES) return undefined;
    const text = document.getText();
    entry.version = document.version;
    entry.indexVersion = this.index.version;
    entry.tooLarge = sizeLimitNote(text, this.settings.maxFileBytes);
    if (entry.tooLarge) {
      entry.analysis = undefined;
      return undefined;
    }
    const started = performance.now();
    entry.analysis = entry.analyser.update(text, this.external(document));
    this.index.setOverride(document.uri, entry.analysis.index);
    const ms = performance.now() - started;
    if (ms > 50)
      this.log.debug(`analysed ${vscode.workspace.asRelativePath(document.uri)} in ${ms.toFixed(1)} ms`);
    return entry.analysis;
  }

  /** The analysis of a document's current text, waiting for the worker if it is analysed off-thread. */
  async analysed(document: vscode.TextDocument): Promise<FileAnalysis | undefined> {
    if (this.settings.enabled && isManifestDocument(document) && lengthOf(document) > OFF_THREAD_BYTES)
      await this.publishOffThread(document);
    return this.analyse(document);
  }

  /** A big document: its text goes to the worker; diagnostics follow when (and if) still current. */
  private async publishOffThread(document: vscode.TextDocument): Promise<void> {
    const entry = this.entryOf(document);
    if (this.fresh(entry, document)) return;
    const version = document.version;
    const indexVersion = this.index.version;
    const key = document.uri.toString();
    const path = vscode.workspace.asRelativePath(document.uri);
    const config = {
      generation: this.generation,
      severities: this.settings.severities,
      options: this.settings.options,
    };
    const started = performance.now();
    // While typing only the changes cross (`getText` and a copy of 2 MB would block the host);
    // the worker asks for the whole text if it holds none.
    const whole = () => {
      const text = document.getText();
      if (!document.isClosed) this.changeLog.sent(key, document.version, text);
      return text;
    };
    const changes = this.changeLog.take(key, version);
    const length = lengthOf(document);
    const analysis = await (changes && changes.maxBytes <= this.settings.maxFileBytes
      ? this.offThread.analyseChanges(
          key,
          path,
          changes.changes,
          length,
          whole,
          this.external(document),
          config,
        )
      : this.analyseWhole(document, entry, key, path, whole, config));
    // Superseded by a newer edit, or the document moved on meanwhile: the old diagnostics stay.
    if (
      !analysis ||
      document.isClosed ||
      document.version !== version ||
      this.entries.get(document.uri.toString()) !== entry
    )
      return;
    entry.version = version;
    entry.indexVersion = indexVersion;
    entry.tooLarge = undefined;
    entry.analysis = analysis;
    this.index.setOverride(document.uri, analysis.index);
    this.log.debug(`analysed ${path} off-thread in ${(performance.now() - started).toFixed(1)} ms`);
    this.showGroups(document, analysis);
  }

  /** The whole text to the worker, or the size-limit note instead. */
  private async analyseWhole(
    document: vscode.TextDocument,
    entry: Entry,
    key: string,
    path: string,
    whole: () => string,
    config: WorkerConfig,
  ): Promise<OffThreadAnalysis | undefined> {
    const version = document.version;
    const indexVersion = this.index.version;
    const text = whole();
    const tooLarge = sizeLimitNote(text, this.settings.maxFileBytes);
    if (tooLarge) {
      this.changeLog.forget(key);
      entry.version = version;
      entry.indexVersion = indexVersion;
      entry.tooLarge = tooLarge;
      entry.analysis = undefined;
      this.show(document, entry, undefined);
      return undefined;
    }
    return this.offThread.analyse(key, path, text, this.external(document), config);
  }

  /** A big document's diagnostics: only the YAML documents an edit touched are converted again. */
  private showGroups(document: vscode.TextDocument, analysis: OffThreadAnalysis): void {
    const key = document.uri.toString();
    let kept = this.converted.get(key);
    if (!kept) this.converted.set(key, (kept = new ConvertedGroups()));
    const groups = kept.convert(
      analysis.groups,
      (offset) => document.positionAt(offset),
      ({ group }) => ({
        problems: group.problems.map((p) => problemToDiagnostic(document, p)),
        findings: group.findings.map((f) => toDiagnostic(document, f, this.docsUri)),
      }),
      (value, lines) => ({
        problems: value.problems.map((d) => moveDiagnostic(d, lines)),
        findings: value.findings.map((d) => moveDiagnostic(d, lines)),
      }),
    );
    const rendered = this.renderedElsewhere?.(document.uri) ?? false;
    this.diagnostics.set(document.uri, [
      ...groups.flatMap((g) => g.problems),
      // Inside a rendered chart the findings come from the render (on their source lines).
      ...(rendered ? [] : groups.flatMap((g) => g.findings)),
    ]);
    this.emitter.fire(document.uri);
  }

  private show(document: vscode.TextDocument, entry: Entry, analysis: FileAnalysis | undefined): void {
    // Shown whole (small, too large or not analysed): nothing kept from a big file's updates holds.
    this.converted.delete(document.uri.toString());
    if (entry.tooLarge) {
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
        // Inside a rendered chart the findings come from the render (on their source lines).
        ...(this.renderedElsewhere?.(document.uri)
          ? []
          : analysis.findings.map((f) => toDiagnostic(document, f, this.docsUri))),
      ]);
    } else {
      this.diagnostics.delete(document.uri);
    }
    this.emitter.fire(document.uri);
  }

  private publish(document: vscode.TextDocument): void {
    if (document.isClosed) return;
    try {
      if (this.settings.enabled && lengthOf(document) > OFF_THREAD_BYTES) {
        this.publishOffThread(document).catch((error: unknown) => this.failed(document, error));
        return;
      }
      const analysis = this.analyse(document);
      this.show(document, this.entryOf(document), analysis);
    } catch (error) {
      this.failed(document, error);
    }
  }

  private failed(document: vscode.TextDocument, error: unknown): void {
    // Analysis must never break the editor: the log gets the detail, the file stays usable.
    this.log.error(
      `analysis of ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
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
    this.offThread.dispose();
  }
}
