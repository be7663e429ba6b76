import { Worker } from 'node:worker_threads';
import type { ExternalScope, FileAnalysis } from '../../core/analysis/file-analysis';
import type { Logger } from '../../core/log';
import type { AnalyseReply, WorkerConfig, WorkerRequest } from '../../protocol/analysis-worker';

/** Files larger than this are analysed on the worker thread: a 300-line file stays in-thread (~1 ms). */
export const OFF_THREAD_BYTES = 256 * 1024;

/**
 * The extension host's side of the analysis worker: posts a document's text and resolves with its
 * analysis, or with `undefined` when a newer request for the same document superseded it. The
 * host thread only copies the text out and the results in; parsing and rules run in the worker.
 * No `vscode` here, so the benchmark drives it in plain Node.
 */
export class OffThreadAnalyser {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (analysis: FileAnalysis | undefined) => void>();
  /** Index entries last received per document: the worker leaves out entries that did not change. */
  private readonly indexes = new Map<string, FileAnalysis['index']>();
  /** Replies whose index entries were the last ones, not sent again (for tests and the benchmark). */
  indexesReused = 0;

  constructor(
    private readonly script: string,
    private readonly log: Pick<Logger, 'error'>,
  ) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (reply: AnalyseReply) => {
      const resolve = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error) this.log.error(`analysis of ${reply.key} failed: ${reply.error}`);
      let analysis = reply.analysis;
      if (analysis && reply.sameIndex) {
        analysis = { ...analysis, index: this.indexes.get(reply.key) ?? [] };
        this.indexesReused++;
      } else if (analysis) this.indexes.set(reply.key, analysis.index);
      resolve?.(analysis);
    });
    worker.on('error', (error) => {
      // A crashed worker must not take analysis down for good: the next request starts a new one.
      this.log.error(`analysis worker failed: ${error.stack ?? error.message}`);
      this.settleAll();
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      // A new worker knows no index it sent: it sends every one again.
      this.indexes.clear();
      this.settleAll();
    });
    this.worker = worker;
    return worker;
  }

  private settleAll(): void {
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
  }

  analyse(
    key: string,
    path: string,
    text: string,
    external: ExternalScope,
    config: WorkerConfig,
  ): Promise<FileAnalysis | undefined> {
    const id = this.nextId++;
    const request: WorkerRequest = { type: 'analyse', key, id, path, text, external, config };
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.start().postMessage(request);
    });
  }

  forget(key: string): void {
    this.indexes.delete(key);
    this.worker?.postMessage({ type: 'forget', key } satisfies WorkerRequest);
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
    this.settleAll();
  }
}
