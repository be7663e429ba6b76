import { readFile, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { plansInFile, type AppPlan } from '../../adapters/render/argo';
import { MANIFEST_EXCLUDE_GLOB, MANIFEST_GLOB } from '../../core/analysis/path-policy';
import { mayHoldArgoApp } from '../../core/render/argo-app';
import type { Logger } from '../../core/log';
import type { SourceRoot } from './roots';

export const NAMESPACE_SETTING = 'shipshape.charts.namespace';

const SCAN_BATCH = 32;

/** An Application file is small; a bigger YAML file (a CRD bundle) is not read for this. */
const MAX_APP_FILE_BYTES = 1024 * 1024;

/**
 * The workspace's Argo CD Applications, by file: a chart or overlay that an Application points
 * at is rendered the way that Application says. Found with a cheap text scan (`kind:
 * Application` and `argoproj.io`) before any YAML is parsed.
 */
export class ArgoApps {
  private readonly byFile = new Map<string, readonly AppPlan[]>();

  constructor(private readonly log: Logger) {}

  async scan(): Promise<void> {
    let uris: vscode.Uri[];
    try {
      uris = await vscode.workspace.findFiles(MANIFEST_GLOB, MANIFEST_EXCLUDE_GLOB, 5000);
    } catch (error) {
      this.log.warn(`finding Argo CD Applications failed: ${String(error)}`);
      return;
    }
    this.byFile.clear();
    // A few reads in flight at a time: the first render waits for this scan.
    for (let i = 0; i < uris.length; i += SCAN_BATCH)
      await Promise.all(uris.slice(i, i + SCAN_BATCH).map((uri) => this.read(uri.fsPath)));
    const plans = [...this.byFile.values()].flat();
    if (plans.length > 0)
      this.log.debug(
        `Argo CD Applications: ${plans.map((p) => `${p.app} → ${vscode.workspace.asRelativePath(p.dir)}`).join(', ')}`,
      );
  }

  /** Reads a saved file again; the roots whose settings it gave or now gives. */
  async update(file: string): Promise<string[]> {
    if (!/\.ya?ml$/i.test(file)) return [];
    const before = this.byFile.get(file) ?? [];
    await this.read(file);
    const after = this.byFile.get(file) ?? [];
    if (before.length === 0 && after.length === 0) return [];
    return [...new Set([...before, ...after].map((p) => p.dir))];
  }

  /** The Applications that render a root, in file order. */
  plansFor(root: SourceRoot): AppPlan[] {
    return [...this.byFile.values()].flat().filter((p) => p.dir === root.dir && p.kind === root.kind);
  }

  private async read(file: string): Promise<void> {
    try {
      if ((await stat(file)).size > MAX_APP_FILE_BYTES) return void this.byFile.delete(file);
      const text = await readFile(file, 'utf8');
      const plans = mayHoldArgoApp(text) ? plansInFile(file) : [];
      if (plans.length > 0) this.byFile.set(file, plans);
      else this.byFile.delete(file);
    } catch {
      this.byFile.delete(file);
    }
  }
}
