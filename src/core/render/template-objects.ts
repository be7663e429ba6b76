import type { ApplyTarget } from '../sync/targets';
import type { RenderLint } from './helm-map';

/** A rendered object and the line of the template document that writes it (0-based). */
export interface TemplateObject {
  readonly target: ApplyTarget;
  readonly line: number;
}

/**
 * The objects of a render that one template file writes, each at its document's head there (the
 * template's `apiVersion:` or `kind:` line): where the drift lens shows how the live object
 * compares. A `range` that writes several objects puts them all on that line.
 */
export function objectsOfTemplate(
  lint: RenderLint,
  targets: readonly ApplyTarget[],
  file: string,
): TemplateObject[] {
  const out: TemplateObject[] = [];
  for (const target of targets) {
    const lines = [['apiVersion'], ['kind']].flatMap((path) => {
      const at = lint.locate?.(target.documentIndex, path);
      return at && at.file === file && at.via === 'template' ? [at.line] : [];
    });
    if (lines.length > 0) out.push({ target, line: Math.min(...lines) });
  }
  return out;
}
