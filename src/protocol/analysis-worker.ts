import type { ExternalScope, FileAnalysis } from '../core/analysis/file-analysis';
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
  readonly text: string;
  readonly external: ExternalScope;
  readonly config: WorkerConfig;
}

export interface ForgetRequest {
  readonly type: 'forget';
  readonly key: string;
}

export type WorkerRequest = AnalyseRequest | ForgetRequest;

export interface AnalyseReply {
  readonly type: 'analysed';
  readonly key: string;
  readonly id: number;
  /** Undefined when a newer request for the same document arrived first: this one was skipped. */
  readonly analysis?: FileAnalysis;
  /**
   * The analysis's index entries are the ones last sent for this document (its `index` is empty):
   * copying a big file's entries (a CRD's compiled schemas) into the extension host on every
   * keystroke would block it for nothing.
   */
  readonly sameIndex?: boolean;
  readonly error?: string;
}
