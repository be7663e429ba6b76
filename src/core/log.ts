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
  [/(authorization:\s*bearer\s+)[^\s"']+/gi, '$1<redacted>'],
  [
    /(\b(?:client-key-data|client-certificate-data|token|password|secret)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
    '$1<redacted>',
  ],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<redacted private key>'],
];

/** Removes credentials from text before it reaches a log or the UI. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
