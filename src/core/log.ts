/** The logging surface pure and adapter code may use; the extension backs it with a
 * LogOutputChannel, the CLI with stderr, tests with an array. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // A YAML parser's excerpt of the source ("  9 |     token: eyJ…" and its "---^" marker): any
  // quoted line may hold a credential, under any key or on a continuation line; the message
  // keeps its (line:column).
  [/^ *\d+ \| .*(?:\r?\n|$)/gm, ''],
  [/^-*\^ *(?:\r?\n|$)/gm, ''],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1<redacted>@'],
  [/(authorization:\s*bearer\s+)[^\s"']+/gi, '$1<redacted>'],
  [
    /(\b(?:client-key-data|client-certificate-data|token|password|secret)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    '$1<redacted>',
  ],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<redacted private key>'],
];

/** Long runs of base64/JWT characters with upper case, lower case and digits mixed: tokens and key data. */
const OPAQUE = /(?<![A-Za-z0-9+/=._-])[A-Za-z0-9+=._-][A-Za-z0-9+/=._-]{31,}/g;
const looksOpaque = (run: string) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);

/**
 * Removes credentials from text before it reaches a log or the UI: the one function for every
 * user-facing string built from a kubeconfig or an authentication failure.
 */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.replace(OPAQUE, (run) => (looksOpaque(run) ? '<redacted>' : run));
}
