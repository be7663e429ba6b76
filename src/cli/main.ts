/** `shipshape` — the same core as the extension, headless, for CI. */
const USAGE = `usage: shipshape <command> [options]

commands:
  lint      analyse manifests
  fix       apply fixes to manifests
  health    summarise cluster health
  runbook   evaluate a runbook's checks
`;

export function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return Promise.resolve(command ? 0 : 2);
  }
  process.stderr.write(`shipshape: unknown command "${command}"\n${USAGE}`);
  return Promise.resolve(2);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`shipshape: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
