import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ObjectName } from '../../core/manifest/find';
import { indexFile, type IndexedObject } from '../../core/rules/scope';
import { MANIFEST_EXCLUDE_GLOB, MANIFEST_GLOB, manifestVerdict } from '../../core/analysis/path-policy';
import { parseManifestFile } from '../../core/yaml/parse';

/**
 * The cross-resource index over every manifest in the workspace (PDBs, Services, HPAs… that
 * other files' rules look up). Built in the background in small slices so activation never
 * waits for it; kept current by a file watcher; open documents override their file's entries.
 */
export class WorkspaceIndex implements vscode.Disposable {
  private readonly files = new Map<string, readonly IndexedObject[]>();
  private readonly overrides = new Map<string, readonly IndexedObject[]>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  version = 0;
  private building: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly log: Logger,
    private readonly maxFileBytes: () => number,
    /** Indexes a big file off the extension-host thread (the analysis worker). */
    private readonly offThread?: {
      readonly bytes: number;
      readonly index: (path: string, text: string) => Promise<readonly IndexedObject[] | undefined>;
    },
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.indexUri(uri)),
      watcher.onDidChange((uri) => void this.indexUri(uri)),
      watcher.onDidDelete((uri) => {
        if (this.files.delete(uri.toString())) this.bump();
      }),
    );
  }

  /** Starts (once) the background scan; resolves when every file is indexed. */
  ready(): Promise<void> {
    this.building ??= this.build();
    return this.building;
  }

  private async build(): Promise<void> {
    const started = Date.now();
    const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE_GLOB, 5000);
    for (const [i, uri] of uris.entries()) {
      if (this.disposed) return;
      await this.indexUri(uri, false);
      // Yield to the extension host every few files: typing must stay responsive.
      if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
    this.bump();
    this.log.debug(
      `workspace index: ${uris.length} YAML files, ${this.objects().length} objects in ${Date.now() - started} ms`,
    );
  }

  private async indexUri(uri: vscode.Uri, notify = true): Promise<void> {
    // The watcher sees every YAML file: the path policy decides, as for the initial search.
    if (!manifestVerdict(vscode.workspace.asRelativePath(uri, false), 'found').manifest) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > this.maxFileBytes()) return;
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      const path = vscode.workspace.asRelativePath(uri);
      const entries =
        this.offThread && stat.size > this.offThread.bytes
          ? await this.offThread.index(path, text)
          : indexFile(parseManifestFile(text), path);
      if (!entries || this.disposed) return;
      const key = uri.toString();
      const before = JSON.stringify(this.files.get(key) ?? []);
      this.files.set(key, entries);
      if (notify && before !== JSON.stringify(entries)) this.bump();
    } catch (error) {
      this.log.debug(
        `workspace index: skipped ${uri.fsPath}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** An open document's live entries replace what is on disk for that file. */
  setOverride(uri: vscode.Uri, entries: readonly IndexedObject[] | undefined): void {
    const key = uri.toString();
    // The same entry objects (a big file's keystroke that changed no fact): no need to compare
    // the JSON of every CRD's schema on the extension-host thread.
    const current = this.overrides.get(key);
    if (entries && current?.length === entries.length && entries.every((e, i) => e === current[i])) return;
    const before = JSON.stringify(this.overrides.get(key) ?? this.files.get(key) ?? []);
    if (entries) this.overrides.set(key, entries);
    else this.overrides.delete(key);
    if (before !== JSON.stringify(entries ?? this.files.get(key) ?? [])) this.bump();
  }

  /** Every object in scope except those of `exclude` (the file being analysed supplies its own). */
  objects(exclude?: vscode.Uri, folder?: vscode.Uri): IndexedObject[] {
    const skip = exclude?.toString();
    const prefix = folder ? folder.toString().replace(/\/?$/, '/') : undefined;
    const out: IndexedObject[] = [];
    const keys = new Set([...this.files.keys(), ...this.overrides.keys()]);
    for (const key of keys) {
      if (key === skip || (prefix && !key.startsWith(prefix))) continue;
      out.push(...(this.overrides.get(key) ?? this.files.get(key) ?? []));
    }
    return out;
  }

  /**
   * The files defining an object (same kind and name; the namespace too when both name one):
   * what "Open owning manifest" jumps to. Open documents count with their unsaved text.
   */
  filesDefining(ref: ObjectName): vscode.Uri[] {
    const out: vscode.Uri[] = [];
    for (const key of new Set([...this.files.keys(), ...this.overrides.keys()])) {
      const entries = this.overrides.get(key) ?? this.files.get(key) ?? [];
      const defines = entries.some(
        ({ identity: id }) =>
          id.kind === ref.kind &&
          id.name === ref.name &&
          (!id.namespace || !ref.namespace || id.namespace === ref.namespace),
      );
      if (defines) out.push(vscode.Uri.parse(key));
    }
    return out;
  }

  private bump(): void {
    this.version++;
    this.emitter.fire();
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
  }
}
