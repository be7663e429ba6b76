/**
 * The analysis worker thread's entry (bundled as dist/analysis-worker.js). It keeps one incremental
 * analyser, the text and what the host holds of the results per open document, and answers only the
 * newest request of each: requests that queued up while it was busy with a big file are superseded,
 * never analysed (their text changes are applied on arrival, so later ones chain on).
 */
import { parentPort } from 'node:worker_threads';
import { DeltaEncoder, ListEncoder } from '../../core/analysis/delta';
import { IncrementalAnalyser } from '../../core/analysis/file-analysis';
import { applyChanges } from '../../core/analysis/text-changes';
import { allRules } from '../../core/rules/registry';
import { indexFile, type IndexedObject } from '../../core/rules/scope';
import { parseManifestFile } from '../../core/yaml/parse';
import type {
  AnalyseReply,
  AnalyseRequest,
  IndexReply,
  IndexRequest,
  WorkerRequest,
} from '../../protocol/analysis-worker';

const analysers = new Map<string, { generation: number; analyser: IncrementalAnalyser }>();
const pending = new Map<string, { request: AnalyseRequest; text: string }>();
const texts = new Map<string, string>();
/** What the host holds per document: a document reused as it was keeps the same entry objects. */
const encoders = new Map<string, { results: DeltaEncoder; index: ListEncoder<IndexedObject> }>();
let draining = false;

function analyse(request: AnalyseRequest, text: string): AnalyseReply {
  const { key, id } = request;
  let entry = analysers.get(key);
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
    analysers.set(key, entry);
  }
  try {
    const analysis = entry.analyser.update(text, request.external);
    let encoder = encoders.get(key);
    if (!encoder)
      encoders.set(key, (encoder = { results: new DeltaEncoder(), index: new ListEncoder<IndexedObject>() }));
    const delta = encoder.results.encode(analysis);
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- sent as the delta
    const { findings, problems, objects, ...rest } = analysis;
    return {
      type: 'analysed',
      key,
      id,
      analysis: { ...rest, index: encoder.index.encode(rest.index), delta },
    };
  } catch (error) {
    analysers.delete(key);
    return {
      type: 'analysed',
      key,
      id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

/**
 * One document per turn of the event loop, so newer requests can land (and supersede) in between;
 * when none waits, one CRD left unparsed at open is parsed per turn, so keystrokes find it ready.
 */
function drain(): void {
  const next = pending.entries().next();
  if (next.done) {
    for (const { analyser } of analysers.values())
      if (analyser.warm()) {
        setImmediate(drain);
        return;
      }
    draining = false;
    return;
  }
  const [key, { request, text }] = next.value;
  pending.delete(key);
  parentPort?.postMessage(analyse(request, text));
  setImmediate(drain);
}

/** The request's text, or `undefined` when its changes apply to no text this worker holds. */
function textOf(request: AnalyseRequest): string | undefined {
  const { source, key } = request;
  if ('text' in source) return source.text;
  const base = texts.get(key);
  if (base === undefined) return undefined;
  try {
    const text = applyChanges(base, source.changes);
    return text.length === source.length ? text : undefined;
  } catch {
    return undefined;
  }
}

function forget(key: string): void {
  analysers.delete(key);
  pending.delete(key);
  texts.delete(key);
  encoders.delete(key);
}

function index({ id, path, text }: IndexRequest): IndexReply {
  try {
    return { type: 'indexed', id, index: indexFile(parseManifestFile(text), path) };
  } catch (error) {
    return { type: 'indexed', id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (message: WorkerRequest) => {
  if (message.type === 'forget') {
    forget(message.key);
    return;
  }
  if (message.type === 'index') {
    parentPort?.postMessage(index(message));
    return;
  }
  const superseded = pending.get(message.key);
  if (superseded)
    parentPort?.postMessage({
      type: 'analysed',
      key: message.key,
      id: superseded.request.id,
    } satisfies AnalyseReply);
  const text = textOf(message);
  if (text === undefined) {
    texts.delete(message.key);
    pending.delete(message.key);
    parentPort?.postMessage({
      type: 'analysed',
      key: message.key,
      id: message.id,
      resync: true,
    } satisfies AnalyseReply);
    return;
  }
  texts.set(message.key, text);
  pending.set(message.key, { request: message, text });
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
});
