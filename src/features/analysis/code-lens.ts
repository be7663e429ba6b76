import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { rangeOf } from '../../adapters/vscode/convert';
import type { ObjectSummary } from '../../core/analysis/file-analysis';
import { HARDEN_BUNDLE } from '../../core/rules/registry';
import type { Finding } from '../../core/rules/types';
import type { AnalysisService } from '../../services/analysis/service';

export const RESOURCES_AND_PROBES = [
  'cpu-request',
  'memory-request',
  'memory-limit',
  'readiness-probe',
  'liveness-probe',
];

/** Identifies one object of a file across edits (its document and list position). */
export interface ObjectTarget {
  readonly uri: string;
  readonly documentIndex: number;
  readonly listIndex?: number;
  readonly name?: string;
}

export function targetOf(uri: vscode.Uri, object: ObjectSummary): ObjectTarget {
  return {
    uri: uri.toString(),
    documentIndex: object.documentIndex,
    ...(object.listIndex !== undefined ? { listIndex: object.listIndex } : {}),
    ...(object.identity.name !== undefined ? { name: object.identity.name } : {}),
  };
}

const onObject = (o: ObjectSummary) => (f: Finding) =>
  f.documentIndex === o.documentIndex && f.listIndex === o.listIndex;

/** "Fix (n)", "Harden", "Add PDB", "Add NetworkPolicy", "Add resources & probes" above each workload. */
export class ManifestCodeLenses implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly service: AnalysisService) {
    service.onDidAnalyse(() => this.emitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.service.settings.codeLens) return [];
    const analysis = this.service.analyse(document);
    if (!analysis || analysis.isTemplate) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const object of analysis.objects) {
      const findings = analysis.findings.filter(onObject(object)).filter((f) => f.fix);
      if (findings.length === 0) continue;
      const range = rangeOf(document, object.start, object.start);
      const target = targetOf(document.uri, object);
      const name = `${object.identity.kind ?? ''}/${object.identity.name ?? ''}`;
      const auto = findings.filter((f) => f.fix?.class === 'auto');
      const add = (title: string, tooltip: string, command: string, ...args: unknown[]) =>
        lenses.push(new vscode.CodeLens(range, { title, tooltip, command, arguments: args }));
      if (auto.length > 0) {
        add(
          `$(wrench) Fix (${auto.length})`,
          `Apply ${auto.length} safe fix(es) to ${name}: ${[...new Set(auto.map((f) => f.rule))].join(', ')}`,
          Commands.fixWorkload,
          target,
        );
      }
      const harden = findings.filter((f) => (HARDEN_BUNDLE as readonly string[]).includes(f.rule));
      if (harden.length > 0) {
        add(
          '$(shield) Harden',
          `Preview the hardening of ${name}: ${[...new Set(harden.map((f) => f.rule))].join(', ')}`,
          Commands.hardenWorkload,
          target,
        );
      }
      if (findings.some((f) => f.rule === 'pdb-missing'))
        add('$(add) Add PDB', `Append a PodDisruptionBudget for ${name}`, Commands.applyRuleFixes, target, [
          'pdb-missing',
        ]);
      if (findings.some((f) => f.rule === 'network-policy-missing')) {
        add(
          '$(add) Add NetworkPolicy',
          `Append a default-deny ingress NetworkPolicy for ${name}`,
          Commands.applyRuleFixes,
          target,
          ['network-policy-missing'],
        );
      }
      if (findings.some((f) => RESOURCES_AND_PROBES.includes(f.rule))) {
        add(
          '$(pulse) Add resources & probes',
          `Insert resource requests/limits and probes (with TODOs) into ${name}`,
          Commands.applyRuleFixes,
          target,
          RESOURCES_AND_PROBES,
        );
      }
    }
    return lenses;
  }
}
