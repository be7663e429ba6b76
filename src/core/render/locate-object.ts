import { isScalar } from 'yaml';
import type { RenderLint } from './helm-map';
import type { SourceLocation } from './locate';
import { nodeAtPath, renderedDocuments } from './rendered';
import type { PathStep } from './template-index';

/** A rendered object by identity: what a live object or a cluster problem names. */
export interface RenderedRef {
  readonly kind: string;
  readonly name: string;
  /** Compared only when the rendered object sets one (charts often leave it to `--namespace`). */
  readonly namespace?: string;
}

/** The rendered document of an object, or undefined when the render does not produce it. */
export function renderedDocumentOf(lint: RenderLint, ref: RenderedRef): number | undefined {
  const docs = renderedDocuments(lint.file);
  const found = docs.find((d) => {
    if (d.kind !== ref.kind || d.name !== ref.name) return false;
    const node = nodeAtPath(d.document.root, ['metadata', 'namespace']);
    const namespace = isScalar(node) ? node.value : undefined;
    return ref.namespace === undefined || typeof namespace !== 'string' || namespace === ref.namespace;
  });
  return found?.document.index;
}

/**
 * Where a person edits a node of a rendered object, by its identity and a path
 * (`['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory']`): the template
 * line when it is literal there, the values key (or block) when it came from `.Values`, the base
 * file for Kustomize.
 */
export function locateRendered(
  lint: RenderLint,
  ref: RenderedRef,
  path: readonly PathStep[],
): SourceLocation | undefined {
  const index = renderedDocumentOf(lint, ref);
  return index === undefined ? undefined : lint.locate?.(index, path);
}
