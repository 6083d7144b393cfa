import { parseCheckArgs, runCheck } from './check';
import { parseReportArgs, runReport } from './report';
import { parseFixArgs, runFix } from './fix';
import { UsageError } from './usage';
import { VERSION } from './version';

const USAGE = `Usage: seaworthy <command> [options] PATH...
       seaworthy -v | --version    Print the version

Commands:
  check PATH...      Report production-readiness findings for Dockerfiles, Compose files and manifests.
  report PATH...     Production Readiness Report: score, sections, fix-first list, per-file table.
  fix PATH...        Apply the safe quick fixes to the files (like eslint --fix), then report what remains.

Options for check:
  --format text|json|sarif|github|gitlab|junit|checkstyle
                           Output format (default: text; CI formats: docs/ci.md)
  --fail-on error|warning|info
                           Exit with 1 when a finding of this severity or worse exists (default: error)
  --output FILE            Write the output to FILE instead of standard output
  --baseline FILE          Report only findings not recorded in the baseline FILE
  --write-baseline FILE    Record today's findings in FILE (and exit 0)
  --allow-empty            Exit 0 when no Dockerfile, Compose file or manifest is found (default: 2)
  -h, --help               Show this help

Options for report:
  --format markdown|html|sarif|json
                           Output format (default: markdown)
  --output FILE            Write the report to FILE instead of standard output
  --fail-under SCORE       Exit with 1 when the overall score is below SCORE (0-100)
  --allow-empty            As for check

Options for fix:
  --unsafe                 Also apply fixes that change behaviour (e.g. pinning, removing VOLUME)
  --dry-run                Print a unified diff instead of writing files
  --fail-on error|warning|info
                           As for check, judged on what remains after fixing
  --allow-empty            As for check

Configuration: .seaworthy.yaml, found by walking up from each file to the repository root.

Exit codes: 0 nothing reached --fail-on, 1 something did, 2 usage or internal error, a missing
            PATH or nothing to analyse (see --allow-empty).
`;

/** Each command parses its own arguments and returns the process exit code. */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  check: (args) => runCheck(parseCheckArgs(args)),
  report: (args) => runReport(parseReportArgs(args)),
  fix: (args) => runFix(parseFixArgs(args)),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help' || command === 'help') { process.stdout.write(USAGE); return command ? 0 : 2; }
    if (rest.includes('-h') || rest.includes('--help')) { process.stdout.write(USAGE); return 0; }
    if (command === '-v' || command === '--version') { process.stdout.write(`${VERSION}\n`); return 0; }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest);
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`seaworthy: ${e.message}\n\n${USAGE}`); return 2; }
    process.stderr.write(`seaworthy: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}
