/**
 * The analysis worker thread's entry (bundled as dist/analysis-worker.js). It keeps one incremental
 * analyser per open document and answers only the newest request of each: requests that queued up
 * while it was busy with a big file are superseded, never analysed.
 */
import { parentPort } from 'node:worker_threads';
import { IncrementalAnalyser } from '../../core/analysis/file-analysis';
import { allRules } from '../../core/rules/registry';
import type { IndexedObject } from '../../core/rules/scope';
import type { AnalyseReply, AnalyseRequest, WorkerRequest } from '../../protocol/analysis-worker';

const analysers = new Map<string, { generation: number; analyser: IncrementalAnalyser }>();
const pending = new Map<string, AnalyseRequest>();
/** The index entries last sent per document: a document reused as it was keeps the same entry objects. */
const sent = new Map<string, readonly IndexedObject[]>();

function withoutRepeatedIndex(reply: AnalyseReply): AnalyseReply {
  if (!reply.analysis) return reply;
  const index = reply.analysis.index;
  const last = sent.get(reply.key);
  sent.set(reply.key, index);
  if (!last || last.length !== index.length || last.some((o, i) => o !== index[i])) return reply;
  return { ...reply, analysis: { ...reply.analysis, index: [] }, sameIndex: true };
}
let draining = false;

function analyse(request: AnalyseRequest): AnalyseReply {
  let entry = analysers.get(request.key);
  if (entry?.generation !== request.config.generation) {
    const config = {
      rules: allRules,
      severities: request.config.severities,
      options: request.config.options,
    };
    entry = {
      generation: request.config.generation,
      analyser: new IncrementalAnalyser(request.path, config),
    };
    analysers.set(request.key, entry);
  }
  try {
    return {
      type: 'analysed',
      key: request.key,
      id: request.id,
      analysis: entry.analyser.update(request.text, request.external),
    };
  } catch (error) {
    analysers.delete(request.key);
    return {
      type: 'analysed',
      key: request.key,
      id: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

/** One document per turn of the event loop, so newer requests can land (and supersede) in between. */
function drain(): void {
  const next = pending.entries().next();
  if (next.done) {
    draining = false;
    return;
  }
  const [key, request] = next.value;
  pending.delete(key);
  parentPort?.postMessage(withoutRepeatedIndex(analyse(request)));
  setImmediate(drain);
}

parentPort?.on('message', (message: WorkerRequest) => {
  if (message.type === 'forget') {
    analysers.delete(message.key);
    sent.delete(message.key);
    pending.delete(message.key);
    return;
  }
  const superseded = pending.get(message.key);
  if (superseded) parentPort?.postMessage({ type: 'analysed', key: superseded.key, id: superseded.id });
  pending.set(message.key, message);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
});
