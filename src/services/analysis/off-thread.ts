import { Worker } from 'node:worker_threads';
import { DeltaDecoder, ListDecoder, type PlacedGroup } from '../../core/analysis/delta';
import type { ExternalScope, FileAnalysis } from '../../core/analysis/file-analysis';
import type { TextChange } from '../../core/analysis/text-changes';
import type { Logger } from '../../core/log';
import type { IndexedObject } from '../../core/rules/scope';
import type {
  AnalyseReply,
  AnalyseRequest,
  IndexReply,
  WorkerConfig,
  WorkerRequest,
} from '../../protocol/analysis-worker';

/** Files larger than this are analysed on the worker thread: a 300-line file stays in-thread (~1 ms). */
export const OFF_THREAD_BYTES = 256 * 1024;

/** A worker's analysis, with its results per YAML document as the host placed them. */
export interface OffThreadAnalysis extends FileAnalysis {
  readonly groups: readonly PlacedGroup[];
}

interface Waiting {
  readonly resolve: (analysis: OffThreadAnalysis | undefined) => void;
  readonly request: AnalyseRequest;
  /** The document's whole text, for when the worker cannot apply the changes sent. */
  readonly text: () => string;
}

/**
 * The extension host's side of the analysis worker: posts a document's text (or, while typing,
 * only the changes since the last text sent) and resolves with its analysis, or with `undefined`
 * when a newer request for the same document superseded it. The host thread only copies edits out
 * and the changed documents' results in; parsing and rules run in the worker. No `vscode` here, so
 * the benchmark drives it in plain Node.
 */
export class OffThreadAnalyser {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly indexing = new Map<number, (index: readonly IndexedObject[] | undefined) => void>();
  /**
   * The results and index entries the host holds per document: the worker sends only the documents
   * whose results changed, and only the entries that changed.
   */
  private readonly decoders = new Map<string, { results: DeltaDecoder; index: ListDecoder<IndexedObject> }>();
  /** Replies whose index entries were all the last ones, not sent again (for tests and the benchmark). */
  indexesReused = 0;
  /** Documents whose results the last reply carried (for tests and the benchmark). */
  lastDocumentsReceived = 0;
  /** Index entries the last reply carried (for tests and the benchmark). */
  lastIndexEntriesReceived = 0;
  /** Whole texts posted, counting resyncs (for tests and the benchmark). */
  textsPosted = 0;

  constructor(
    private readonly script: string,
    private readonly log: Pick<Logger, 'error'>,
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: AnalyseReply | IndexReply) => {
      if (reply.type === 'analysed') {
        this.received(reply);
        return;
      }
      if (reply.error) this.log.error(`indexing failed: ${reply.error}`);
      this.indexing.get(reply.id)?.(reply.index);
      this.indexing.delete(reply.id);
    });
    worker.on('error', (error) => {
      // A crashed worker must not take analysis down for good: the next request starts a new one.
      this.log.error(`analysis worker failed: ${error.stack ?? error.message}`);
      this.settleAll();
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      // A new worker knows no text, index or result it sent: it is sent everything again.
      this.decoders.clear();
      this.settleAll();
    });
    this.worker = worker;
    return worker;
  }

  private received(reply: AnalyseReply): void {
    const waiting = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.error) this.log.error(`analysis of ${reply.key} failed: ${reply.error}`);
    if (reply.resync) {
      // The worker lost the text (it restarted) or the changes did not add up: the whole text.
      if (waiting) this.post(waiting.request, waiting.text, waiting.resolve, { text: waiting.text() });
      return;
    }
    if (!reply.analysis) {
      waiting?.resolve(undefined);
      return;
    }
    const { delta, ...rest } = reply.analysis;
    let decoder = this.decoders.get(reply.key);
    if (!decoder)
      this.decoders.set(reply.key, (decoder = { results: new DeltaDecoder(), index: new ListDecoder() }));
    let results;
    let index;
    try {
      results = decoder.results.decode(delta);
      index = decoder.index.decode(rest.index);
    } catch (error) {
      // Out of step with the worker (a reply from before `forget`): both sides start again.
      this.log.error(`analysis of ${reply.key}: ${error instanceof Error ? error.message : String(error)}`);
      this.forget(reply.key);
      if (waiting) this.post(waiting.request, waiting.text, waiting.resolve, { text: waiting.text() });
      return;
    }
    this.lastDocumentsReceived = decoder.results.lastAdded;
    this.lastIndexEntriesReceived = rest.index.added.length;
    if (rest.index.added.length === 0) this.indexesReused++;
    waiting?.resolve({ ...rest, ...results, index, groups: decoder.results.placements });
  }

  private settleAll(): void {
    for (const { resolve } of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    for (const resolve of this.indexing.values()) resolve(undefined);
    this.indexing.clear();
  }

  private post(
    request: Omit<AnalyseRequest, 'id' | 'source'>,
    text: () => string,
    resolve: (analysis: OffThreadAnalysis | undefined) => void,
    source: AnalyseRequest['source'],
  ): void {
    const full: AnalyseRequest = { ...request, id: this.nextId++, source };
    if ('text' in source) this.textsPosted++;
    this.waiting.set(full.id, { resolve, request: full, text });
    this.start().postMessage(full);
  }

  /** Analyses `text`, the document's whole text. */
  analyse(
    key: string,
    path: string,
    text: string,
    external: ExternalScope,
    config: WorkerConfig,
  ): Promise<OffThreadAnalysis | undefined> {
    return new Promise((resolve) => {
      const request = { type: 'analyse', key, path, external, config } as const;
      this.post(request, () => text, resolve, { text });
    });
  }

  /**
   * Analyses the document after `changes` to the text last posted for `key`, which make it `length`
   * characters long; `text` is asked for only when the worker does not hold that text.
   */
  analyseChanges(
    key: string,
    path: string,
    changes: readonly TextChange[],
    length: number,
    text: () => string,
    external: ExternalScope,
    config: WorkerConfig,
  ): Promise<OffThreadAnalysis | undefined> {
    return new Promise((resolve) => {
      const request = { type: 'analyse', key, path, external, config } as const;
      this.post(request, text, resolve, { changes, length });
    });
  }

  /**
   * A workspace file's index entries, parsed in the worker: a 2 MB file parsed on the host would
   * block it for most of a second when the workspace index reads it (at startup, on every save).
   */
  index(path: string, text: string): Promise<readonly IndexedObject[] | undefined> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.indexing.set(id, resolve);
      this.start().postMessage({ type: 'index', id, path, text } satisfies WorkerRequest);
    });
  }

  forget(key: string): void {
    this.decoders.delete(key);
    this.worker?.postMessage({ type: 'forget', key } satisfies WorkerRequest);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.settleAll();
  }
}
