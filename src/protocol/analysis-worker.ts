import type { AnalysisDelta, ListDelta } from '../core/analysis/delta';
import type { ExternalScope, FileAnalysis } from '../core/analysis/file-analysis';
import type { IndexedObject } from '../core/rules/scope';
import type { TextChange } from '../core/analysis/text-changes';
import type { RuleOptions, SeveritySetting } from '../core/rules/types';

/**
 * Messages between the extension host and the analysis worker thread. Only plain data crosses:
 * rules stay in the worker (it has the same catalogue), settings and text are sent.
 */

/** The settings an analyser is built with; a new `generation` replaces every analyser. */
export interface WorkerConfig {
  readonly generation: number;
  readonly severities: Readonly<Record<string, SeveritySetting>>;
  readonly options: Partial<RuleOptions>;
}

export interface AnalyseRequest {
  readonly type: 'analyse';
  /** One per open document (its URI). */
  readonly key: string;
  /** Request id: the reply carries it, so a superseded reply is recognised. */
  readonly id: number;
  readonly path: string;
  /**
   * The document's whole text, or the changes since the text last sent for `key` and the length
   * they lead to (a mismatch, or no text held, is answered with `resync`).
   */
  readonly source:
    { readonly text: string } | { readonly changes: readonly TextChange[]; readonly length: number };
  readonly external: ExternalScope;
  readonly config: WorkerConfig;
}

export interface ForgetRequest {
  readonly type: 'forget';
  readonly key: string;
}

/** A workspace file's index entries (the workspace index reads big files off the host thread). */
export interface IndexRequest {
  readonly type: 'index';
  readonly id: number;
  readonly path: string;
  readonly text: string;
}

export type WorkerRequest = AnalyseRequest | ForgetRequest | IndexRequest;

export interface IndexReply {
  readonly type: 'indexed';
  readonly id: number;
  readonly index?: readonly IndexedObject[];
  readonly error?: string;
}

export interface AnalyseReply {
  readonly type: 'analysed';
  readonly key: string;
  readonly id: number;
  /** Undefined when a newer request for the same document arrived first: this one was skipped. */
  readonly analysis?: WireAnalysis;
  /** The worker holds no text the request's changes apply to: send the whole text. */
  readonly resync?: boolean;
  readonly error?: string;
}

/** A `FileAnalysis` as it crosses: findings, problems and objects as a delta (see `DeltaEncoder`). */
export type WireAnalysis = Omit<FileAnalysis, 'findings' | 'problems' | 'objects' | 'index'> & {
  readonly delta: AnalysisDelta;
  /**
   * The index entries as a delta: copying a big file's entries (a CRD's compiled schemas) into the
   * extension host on every keystroke would block it for nothing.
   */
  readonly index: ListDelta<IndexedObject>;
};
