import * as vscode from 'vscode';
import type { Scope, SeveritySetting } from '../../core/rules/types';
import { defaultRuleOptions, type RuleOptions } from '../../core/rules/types';
import { DEFAULT_MAX_FILE_KB } from '../../core/analysis/size-limit';

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** `shipshape.analysis.*` settings behind each rule option. */
const OPTION_SETTINGS: Readonly<Record<keyof RuleOptions, string>> = {
  minReplicas: 'analysis.minReplicas',
  requireDigest: 'analysis.requireDigest',
  allowedRegistries: 'analysis.allowedRegistries',
  kubernetesVersion: 'analysis.kubernetesVersion',
};

/** Rule options the user set in VS Code (any level): these win over `.shipshape.yaml`. */
export function explicitOptions(scope?: vscode.ConfigurationScope): Set<keyof RuleOptions> {
  const config = vscode.workspace.getConfiguration('shipshape', scope);
  const out = new Set<keyof RuleOptions>();
  for (const [key, setting] of Object.entries(OPTION_SETTINGS) as [keyof RuleOptions, string][]) {
    const seen = config.inspect(setting);
    if (
      seen?.globalValue !== undefined ||
      seen?.workspaceValue !== undefined ||
      seen?.workspaceFolderValue !== undefined
    )
      out.add(key);
  }
  return out;
}

export interface AnalysisSettings {
  readonly enabled: boolean;
  readonly codeLens: boolean;
  readonly scope: Extract<Scope, 'file' | 'folder' | 'workspace'>;
  readonly maxFileBytes: number;
  readonly previewFixes: boolean;
  readonly options: RuleOptions;
  readonly severities: Readonly<Record<string, SeveritySetting>>;
}

/** Reads `shipshape.*` analysis settings; `shipshape.rules.<id>` entries become severity overrides. */
export function analysisSettings(
  ruleIds: readonly string[],
  scope?: vscode.ConfigurationScope,
): AnalysisSettings {
  const config = vscode.workspace.getConfiguration('shipshape', scope);
  const severities: Record<string, SeveritySetting> = {};
  for (const id of ruleIds) {
    const value = config.get<string>(`rules.${id}`);
    if (value && value !== 'default' && SEVERITIES.has(value)) severities[id] = value as SeveritySetting;
  }
  const scopeSetting = config.get<string>('analysis.scope', 'workspace');
  return {
    enabled: config.get<boolean>('analysis.enabled', true),
    codeLens: config.get<boolean>('codeLens.enabled', true),
    scope: scopeSetting === 'file' || scopeSetting === 'folder' ? scopeSetting : 'workspace',
    maxFileBytes: Math.max(16, config.get<number>('analysis.maxFileSizeKB', DEFAULT_MAX_FILE_KB)) * 1024,
    previewFixes: config.get<boolean>('fixes.preview', true),
    options: {
      minReplicas: config.get<number>('analysis.minReplicas', defaultRuleOptions.minReplicas),
      requireDigest: config.get<boolean>('analysis.requireDigest', defaultRuleOptions.requireDigest),
      allowedRegistries: config.get<string[]>('analysis.allowedRegistries', [
        ...defaultRuleOptions.allowedRegistries,
      ]),
      kubernetesVersion: config.get<string>(
        'analysis.kubernetesVersion',
        defaultRuleOptions.kubernetesVersion,
      ),
    },
    severities,
  };
}

/**
 * `shipshape.protectedContexts` as the user set it. The setting is application-scoped, and a
 * value from the workspace or a folder can only add entries: a cloned repository's
 * `.vscode/settings.json` must never be able to switch the production guard off.
 */
export function protectedContextEntries(): string[] {
  const seen = vscode.workspace.getConfiguration('shipshape').inspect<unknown>('protectedContexts');
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const base = seen?.globalValue !== undefined ? seen.globalValue : seen?.defaultValue;
  return [
    ...new Set([...strings(base), ...strings(seen?.workspaceValue), ...strings(seen?.workspaceFolderValue)]),
  ];
}
