import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as vscode from 'vscode';
import {
  globMatcher,
  parseProjectConfig,
  PROJECT_CONFIG_FILES,
  type ProjectConfig,
} from '../../core/config/project-config';

/**
 * The first workspace folder's `.shipshape.yaml` (the file `shipshape lint` reads there), kept
 * current by a file watcher. Mistakes in it are diagnostics on the file itself, and a file with
 * mistakes is not applied: analysing with half a config would report what the team turned off.
 */
export class ProjectConfigFile implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('shipshape-config');
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.diagnostics, this.emitter];
  config: ProjectConfig | undefined;
  private excluded: (relativePath: string) => boolean = () => false;
  private folder: vscode.Uri | undefined;

  constructor(private readonly ruleIds: ReadonlySet<string>) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.shipshape.{yaml,yml}');
    const changed = () => {
      this.load();
      this.emitter.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(changed),
      watcher.onDidChange(changed),
      watcher.onDidDelete(changed),
    );
    this.load();
  }

  /** `exclude:` globs apply to files of the config's folder, like the CLI's. */
  isExcluded(uri: vscode.Uri): boolean {
    if (!this.folder || uri.scheme !== 'file') return false;
    const rel = relative(this.folder.fsPath, uri.fsPath);
    return !rel.startsWith('..') && this.excluded(rel);
  }

  private load(): void {
    this.config = undefined;
    this.excluded = () => false;
    this.diagnostics.clear();
    this.folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!this.folder || this.folder.scheme !== 'file') return;
    for (const name of PROJECT_CONFIG_FILES) {
      const file = vscode.Uri.joinPath(this.folder, name);
      let text: string;
      try {
        text = readFileSync(file.fsPath, 'utf8');
      } catch {
        continue;
      }
      const { config, errors } = parseProjectConfig(text, this.ruleIds);
      if (errors.length > 0) {
        this.diagnostics.set(
          file,
          errors.map((e) => {
            const at = new vscode.Position(e.line - 1, e.column - 1);
            const d = new vscode.Diagnostic(
              new vscode.Range(at, at.translate(0, 1)),
              `${e.message} — this file is not applied until fixed`,
              vscode.DiagnosticSeverity.Error,
            );
            d.source = 'Shipshape config';
            return d;
          }),
        );
        return;
      }
      this.config = config;
      this.excluded = globMatcher(config.exclude);
      return;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
