import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { AppPlan } from '../../adapters/render/argo';
import { readChartTree } from '../../adapters/render/helm';
import { toWorkspaceEdit } from '../../adapters/vscode/convert';
import { minimalEdits } from '../../core/edit/text-edit';
import type { Logger } from '../../core/log';
import type { RenderLint } from '../../core/render/helm-map';
import { changeText } from '../../core/render/values-fix';
import {
  checkBlock,
  findingsGone,
  hardenBlocks,
  hardenTitle,
  type HardenBlock,
  type HardenFix,
  type OverriddenFile,
} from '../../core/render/values-harden';
import { allRules } from '../../core/rules/registry';
import type { FixPreview } from '../../services/fix-preview';
import type { AnalysisService } from '../../services/analysis/service';
import { inside, type SourceRoot } from '../../services/charts/roots';
import type { ChartsService } from '../../services/charts/service';
import { renderEditedCopy } from './values-fix';

export const HARDEN_VALUES = 'shipshape.charts.hardenValues';
const options = { rules: allRules };

/** What a lens names; the command works out the block again from the render at click time. */
interface HardenTarget {
  readonly uri: string;
  readonly root: string;
  readonly app: string | undefined;
  readonly key: string;
}

interface Render {
  readonly root: SourceRoot;
  readonly plan: AppPlan | undefined;
  readonly lint: RenderLint;
}

/**
 * The rendered charts' lints a values file takes part in, with the blocks Harden fixes there.
 * The blocks are computed once per render and saved text (a lens asks often).
 */
class BlockPlanner {
  private readonly cache = new WeakMap<RenderLint, Map<string, HardenBlock[]>>();

  constructor(private readonly charts: ChartsService) {}

  renders(file: string): Render[] {
    const out: Render[] = [];
    for (const root of this.charts.allRoots()) {
      // Until a render of the saved files is in, its lines may not be this file's lines.
      if (root.kind !== 'helm' || this.charts.isRendering(root)) continue;
      const result = this.charts.resultFor(root);
      if (!result) continue;
      const byLint = new Map<RenderLint, AppPlan | undefined>();
      for (const m of result.marks) if (m.lint && !byLint.has(m.lint)) byLint.set(m.lint, m.plan);
      if (byLint.size === 0 && result.lint) byLint.set(result.lint, undefined);
      for (const [lint, plan] of byLint)
        if (inside(file, root.dir) || plan?.helm?.values.includes(file)) out.push({ root, plan, lint });
    }
    return out;
  }

  blocks(render: Render, file: string, text: string): HardenBlock[] {
    const memo = this.cache.get(render.lint) ?? new Map<string, HardenBlock[]>();
    this.cache.set(render.lint, memo);
    const key = `${file}\n${text}`;
    let blocks = memo.get(key);
    if (!blocks) {
      blocks = hardenBlocks(render.lint, file, text, overriddenBy(render, file), options);
      // A few files per render (values.yaml and values-prod.yaml side by side), not every edit.
      if (memo.size > 8) memo.clear();
      memo.set(key, blocks);
    }
    return blocks;
  }
}

/**
 * A parent chart's values (its values.yaml, or an Argo CD Application's value file) set its
 * subcharts' values under `<subchart>:`: there a subchart's own values findings can be fixed too.
 */
function overriddenBy(render: Render, file: string): Map<string, OverriddenFile> {
  const out = new Map<string, OverriddenFile>();
  const umbrella = file === join(render.root.dir, 'values.yaml') || render.plan?.helm?.values.includes(file);
  if (!umbrella) return out;
  const tree = readChartTree(render.root.dir);
  for (const [prefix, dir] of tree.charts) {
    const keys = prefix.split('/charts/').slice(1);
    const values = join(dir, 'values.yaml');
    if (keys.length === 0 || values === file || !existsSync(values)) continue;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === values);
    out.set(values, { text: open?.getText() ?? readFileSync(values, 'utf8'), prefix: keys });
  }
  return out;
}

/** "Harden trino: 3 fixes (securityContext, resources)" above each values block with values fixes. */
export class ValuesHardenLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    charts: ChartsService,
    private readonly planner: BlockPlanner,
  ) {
    this.subscription = vscode.Disposable.from(
      // A render changes what each block can fix; a save alone changes nothing until it renders.
      charts.onDidRender(() => this.emitter.fire()),
      // The dirty flag reaches the extension host apart from the edit: the lenses VS Code asked
      // for on the edit may have seen the file still clean, so they are asked for again.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0 && e.document.languageId === 'yaml') this.emitter.fire();
      }),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // The mapping is of the saved file: an unsaved edit may have moved the lines.
    if (document.isDirty || document.uri.scheme !== 'file') return [];
    const file = document.uri.fsPath;
    const renders = this.planner.renders(file);
    const lenses: vscode.CodeLens[] = [];
    for (const render of renders) {
      const label = renders.length > 1 && render.plan ? ` [${render.plan.app}]` : '';
      for (const block of this.planner.blocks(render, file, document.getText())) {
        if (block.fixes.length === 0) continue;
        const target: HardenTarget = {
          uri: document.uri.toString(),
          root: render.root.dir,
          app: render.plan?.app,
          key: block.key,
        };
        const line = new vscode.Range(block.line, 0, block.line, 0);
        lenses.push(
          new vscode.CodeLens(line, {
            title: `$(shield) ${hardenTitle(block)}${label}`,
            tooltip: tooltipOf(block),
            command: HARDEN_VALUES,
            arguments: [target],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function tooltipOf(block: HardenBlock): string {
  const lines = block.fixes.map(
    (f) => `${f.title} (${f.findings.map((r) => `${r.rule} on ${r.object}`).join(', ')})`,
  );
  return `Preview, check with helm template and apply to ${block.key}:\n${lines.join('\n')}`;
}

const describe = (fix: HardenFix) => fix.changes.map(changeText).join(', ');

/**
 * Applies a block's values fixes as one undoable edit, after one render of a copy with all of
 * them shows which findings go: a fix whose finding the render still has is dropped (and said).
 */
export function registerValuesHarden(
  charts: ChartsService,
  analysis: AnalysisService | undefined,
  preview: FixPreview | undefined,
  log: Logger,
): vscode.Disposable {
  const planner = new BlockPlanner(charts);
  const lenses = new ValuesHardenLenses(charts, planner);
  const registration = vscode.languages.registerCodeLensProvider(
    [{ language: 'yaml', scheme: 'file' }],
    lenses,
  );
  const command = vscode.commands.registerCommand(HARDEN_VALUES, async (target: HardenTarget) => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(target.uri));
    const name = basename(document.uri.fsPath);
    const say = (message: string, warn = false) => {
      if (warn) log.warn(message);
      else log.info(message);
      void (warn ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
    };
    if (document.isDirty)
      return say(`Shipshape: save ${name} first: the findings are of the saved file.`, true);
    const file = document.uri.fsPath;
    const render = planner
      .renders(file)
      .find((r) => r.root.dir === target.root && r.plan?.app === target.app);
    const text = document.getText();
    const version = document.version;
    const block = render && planner.blocks(render, file, text).find((b) => b.key === target.key);
    const helm = charts.toolPath('helm');
    if (!render || !block || block.fixes.length === 0 || !helm)
      return say(`Shipshape: nothing to harden in ${target.key} of ${name} any more.`);

    const checked = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Shipshape: checking the ${target.key} fixes with helm template…`,
      },
      () =>
        checkBlock(text, block, async (edited) => {
          const outcome = await renderEditedCopy(helm, render.root, file, edited, render.plan);
          return outcome.ok ? { ok: true, findings: outcome.lint.findings } : outcome;
        }),
    );
    if ('error' in checked)
      return say(`Shipshape: ${target.key} not hardened: with these changes ${checked.error}.`, true);
    if (document.version !== version)
      return say(`Shipshape: ${name} changed while the fixes were checked; run Harden again.`, true);
    const { fixes, dropped } = checked;
    const droppedNote = dropped.length
      ? ` Left out: ${dropped.map((d) => `${d.fix.title} (${describe(d.fix)}): ${d.reason}`).join('; ')}.`
      : '';
    if (fixes.length === 0)
      return say(`Shipshape: nothing in ${target.key} could be fixed in values.${droppedNote}`, true);
    const edits = minimalEdits(text, checked.text);
    const title = `Harden ${target.key} in ${name}: ${fixes.length} fix${fixes.length === 1 ? '' : 'es'}`;
    const applied =
      preview && (analysis?.settings.previewFixes ?? true)
        ? await preview.confirm(document, edits, title)
        : await vscode.workspace.applyEdit(toWorkspaceEdit(document.uri, document, edits));
    if (!applied) return undefined;
    await document.save();
    const result = await charts.rerender(render.root);
    const after =
      (result?.marks ?? []).find((m) => m.lint && m.plan?.app === target.app)?.lint ?? result?.lint;
    const gone = after ? findingsGone(fixes, render.lint.findings, after.findings) : 0;
    say(
      `Shipshape: ${gone} finding${gone === 1 ? '' : 's'} gone: ${target.key} hardened in ${name} and the chart rendered again (${fixes.map(describe).join('; ')}).${droppedNote}`,
      dropped.length > 0,
    );
    return undefined;
  });
  return vscode.Disposable.from(registration, command, lenses);
}
