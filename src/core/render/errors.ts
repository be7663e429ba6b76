/**
 * Render failures as a person reads them: which file, which line, what to do. Helm and Kustomize
 * name files as they see them (Helm: `<chart>/charts/<sub>/templates/x.yaml`, chart-relative);
 * the caller resolves those names to workspace paths.
 */
export interface RenderError {
  /** The file as the tool named it, when it named one. */
  readonly file?: string;
  /** 1-based, when the tool gave one. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  /** Which kind of name `file` is: a Helm template path (`# Source:` form) or a filesystem path. */
  readonly fileKind?: 'template' | 'path' | 'chart-dependency';
  /** A `yaml: line N` inside a template's output: N counts lines of that template's *rendered* text. */
  readonly renderedLine?: boolean;
  /** The subchart `helm dependency build` would fetch. */
  readonly dependency?: string;
}

const firstLine = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '') ?? '';

/** Parses `helm template`'s stderr. Unknown shapes become one error with the whole message. */
export function parseHelmError(stderr: string): RenderError[] {
  const text = stderr.replace(/^(?:Error|WARNING): /gm, '').trim();
  const message = firstLine(
    text
      .split('\n')
      .filter((l) => !/^(walk\.go|install\.go|helm\.go)/.test(l))
      .join('\n'),
  );
  // Helm 3: template: x/templates/y.yaml:39:12: executing "…" at <…>: nil pointer evaluating …
  // Helm 4: x/templates/y.yaml:39:12 / executing "…" at <…>: / nil pointer evaluating … (3 lines)
  let m = /^(?:template: )?([^\s:()]+\.(?:ya?ml|tpl|txt|json)):(\d+):(\d+):?([\s\S]*)$/m.exec(text);
  if (m) {
    const rest = (m[4] as string)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('Use --debug'))
      .join(' ');
    return [
      {
        file: m[1] as string,
        line: Number(m[2]),
        column: Number(m[3]),
        message: tidy(rest),
        fileKind: 'template',
      },
    ];
  }
  // parse error at (x/templates/y.yaml:12): unexpected "}" in operand
  // execution error at (x/templates/y.yaml:8:14): superset.secretKey is required
  m = /(parse|execution) error at \(([^():\s]+):(\d+)(?::(\d+))?\): (.*)/.exec(text);
  if (m)
    return [
      {
        file: m[2] as string,
        line: Number(m[3]),
        ...(m[4] ? { column: Number(m[4]) } : {}),
        message: m[5] as string,
        fileKind: 'template',
      },
    ];
  // YAML parse error on x/templates/y.yaml: error converting YAML to JSON: yaml: line 39: did not find expected key
  m = /YAML parse error on ([^\s:]+): .*?yaml: line (\d+): (.*)/.exec(text);
  if (m)
    return [
      {
        file: m[1] as string,
        line: Number(m[2]),
        message: `the template's output is not valid YAML: ${m[3] as string}`,
        fileKind: 'template',
        renderedLine: true,
      },
    ];
  // found in Chart.yaml, but missing in charts/ directory: trino, superset
  m = /found in Chart\.yaml, but missing in charts\/ directory: (.*)/.exec(text);
  if (m)
    return (m[1] as string)
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((dependency) => ({
        message: `subchart "${dependency}" is listed in Chart.yaml but missing from charts/: run helm dependency build`,
        fileKind: 'chart-dependency' as const,
        dependency,
      }));
  // failed to parse values.yaml: error converting YAML to JSON: yaml: line 3: …
  m = /(?:failed to parse|cannot load) ([^\s:]+): .*?yaml: line (\d+): (.*)/.exec(text);
  if (m)
    return [
      {
        file: m[1] as string,
        line: Number(m[2]),
        message: `not valid YAML: ${m[3] as string}`,
        fileKind: 'path',
      },
    ];
  return [{ message: message || 'helm template failed' }];
}

/** Parses `kustomize build`'s stderr (file names are paths, often relative to the kustomization). */
export function parseKustomizeError(stderr: string): RenderError[] {
  const text = stderr.replace(/^Error: /gm, '').trim();
  const file =
    /(?:file|path|resource) '([^']+\.ya?ml)'/.exec(text)?.[1] ?? /'([^'\s]+\.ya?ml)'/.exec(text)?.[1];
  const line = /(?:yaml: )?line (\d+):/.exec(text)?.[1];
  return [
    {
      ...(file ? { file, fileKind: 'path' as const } : {}),
      ...(line ? { line: Number(line) } : {}),
      message: tidy(firstLine(text)) || 'kustomize build failed',
    },
  ];
}

function tidy(message: string): string {
  return message.replace(/^executing "[^"]*" at <([^>]*)>:\s*/, '$1: ');
}

/** One template's rendered text in `helm template --debug` output (printed even on a YAML error). */
export function renderedSection(debugOutput: string, source: string): string | undefined {
  const header = `# Source: ${source}\n`;
  const start = debugOutput.indexOf(header);
  if (start < 0) return undefined;
  const body = debugOutput.slice(start + header.length);
  const end = body.search(/^---\s*$/m);
  return end < 0 ? body : body.slice(0, end);
}

/**
 * `yaml: line N` counts lines of a template's rendered text. The line a person fixes is the
 * template line with the same text, nearest N from below (actions removed lines above it).
 */
export function templateLineFor(template: string, rendered: string | undefined, line: number): number {
  const lines = template.split('\n');
  const target = rendered?.split('\n')[line - 1]?.trim();
  if (target) {
    let best = -1;
    lines.forEach((l, i) => {
      if (l.trim() === target && (best < 0 || Math.abs(i + 1 - line) < Math.abs(best + 1 - line))) best = i;
    });
    if (best >= 0) return best + 1;
  }
  return Math.min(line, lines.length);
}
