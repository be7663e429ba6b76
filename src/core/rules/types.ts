import type { Document, Node, Pair } from 'yaml';
import type { YamlEditor } from '../edit/yaml-edit';
import type { TextEdit } from '../edit/text-edit';
import type { ManifestObject, ObjectIdentity } from '../manifest/objects';
import type { ManifestFile } from '../yaml/parse';
import type { ScopeIndex } from './scope';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';
/** See docs/rules.md: auto = safe for "Fix all"; harden = secure default that may change behaviour;
 * scaffold = template with TODO placeholders or a new document; none = explain only. */
export type FixClass = 'auto' | 'harden' | 'scaffold' | 'none';
/** Where a cross-resource rule looked: the answer "no PDB selects this" depends on it. */
export type Scope = 'document' | 'file' | 'folder' | 'workspace' | 'cluster';

export type Category =
  | 'pod-security-baseline'
  | 'pod-security-restricted'
  | 'images'
  | 'resources'
  | 'probes'
  | 'availability'
  | 'correctness'
  | 'rbac';

export interface RuleDocs {
  /** One sentence: what is checked. */
  readonly what: string;
  /** Why it matters, in operator terms (an incident it causes or prevents). */
  readonly why: string;
  /** How to fix it by hand, and what Shipshape's fix does. */
  readonly fix: string;
  /** Equivalent checks in other tools (kube-linter, Polaris, kube-score, Kubescape, Checkov, Datree, Popeye, PSS). */
  readonly anchors: string;
}

export interface FixDescriptor {
  /** Rule ID of the fix (one fix per rule; variants ride in `Finding.data`). */
  readonly id: string;
  readonly class: FixClass;
  readonly title: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** [start, end) offsets in the file's text. */
  readonly start: number;
  readonly end: number;
  readonly object: ObjectIdentity;
  readonly documentIndex: number;
  readonly listIndex?: number;
  readonly container?: string;
  readonly fix?: FixDescriptor;
  readonly scope: Scope;
  /** Small JSON-able facts the fixer needs (which container, which key…). */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

export interface RuleOptions {
  /** `min-replicas`: fewer replicas than this is flagged (kube-score 2, kube-linter 3). */
  readonly minReplicas: number;
  /** `image-tag-pinned`: also require an `@sha256:` digest. */
  readonly requireDigest: boolean;
  /** `allowed-registries`: registry host prefixes allowed; empty = no restriction. */
  readonly allowedRegistries: readonly string[];
  /** `deprecated-api-version`: the cluster version manifests target, e.g. "1.36". */
  readonly kubernetesVersion: string;
}

export const defaultRuleOptions: RuleOptions = {
  minReplicas: 2,
  requireDigest: false,
  allowedRegistries: [],
  kubernetesVersion: '1.36',
};

export interface ReportInput {
  readonly message: string;
  /** Where the finding points: a node, a pair, or explicit offsets. Defaults to the object's kind. */
  readonly at?: Node | Pair | null | undefined | readonly [number, number];
  readonly severity?: Severity;
  readonly container?: string;
  /** Attach the rule's fix to this finding (omit when a fix would not apply here). */
  readonly fixable?: boolean;
  readonly fixTitle?: string;
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

export interface RuleContext {
  readonly file: ManifestFile;
  readonly object: ManifestObject;
  readonly doc: Document.Parsed;
  readonly index: ScopeIndex;
  readonly options: RuleOptions;
  /** True when a node's text comes from a template action: do not judge or fix its value. */
  isTemplated(node: Node | null | undefined): boolean;
  report(input: ReportInput): void;
}

export interface FixContext {
  readonly file: ManifestFile;
  readonly object: ManifestObject;
  readonly doc: Document.Parsed;
  readonly finding: Finding;
  readonly editor: YamlEditor;
  readonly index: ScopeIndex;
  readonly options: RuleOptions;
}

export interface RuleFix {
  readonly class: FixClass;
  /** Default title of the quick fix ("Set allowPrivilegeEscalation: false"). */
  readonly title: string;
  /** Returns edits on the file's current text, or undefined when the fix no longer applies. */
  apply(ctx: FixContext): readonly TextEdit[] | undefined;
}

export interface Rule {
  readonly id: string;
  readonly number: number;
  readonly category: Category;
  readonly title: string;
  readonly severity: SeveritySetting;
  /** The fix class from RULES.md (what the rule promises), even when `fix` is absent. */
  readonly fixClass: FixClass;
  readonly docs: RuleDocs;
  /** Kinds this rule looks at; `undefined` = every object. */
  readonly kinds?: ReadonlySet<string>;
  /** Cross-resource rules read the scope index; their findings say which scope they searched. */
  readonly crossResource?: boolean;
  /** Reads the scope index though its findings concern the object alone (schema-invalid and CRD
   * schemas): the editor re-runs it when the scope's facts change, like a cross-resource rule. */
  readonly readsIndex?: boolean;
  check(ctx: RuleContext): void;
  readonly fix?: RuleFix;
}
