/**
 * Findings that are guesses or have a known excuse are warnings, not errors (issue #13: an error must be right).
 * The fixtures carry the `# expect` marks; this file checks the severity each finding gets.
 */
import * as assert from 'assert';
import * as path from 'path';
import { analyzeFile, fixturesDir } from './helpers';

async function severities(rel: string, ruleId: string): Promise<string[]> {
  const r = await analyzeFile(path.join(fixturesDir, 'rules', rel));
  return r.findings.filter((f) => f.ruleId === ruleId).sort((a, b) => a.range.start.line - b.range.start.line).map((f) => `${f.range.start.line + 1}:${f.severity}`);
}

describe('severity of findings with a known excuse', () => {
  it('missing-build-context: a path that resolves from the project above is a warning; one that resolves nowhere stays an error', async () => {
    assert.deepStrictEqual(await severities('missing-build-context/merged-project/extensions/extra/extra-compose.yml', 'missing-build-context'), ['6:warning', '9:error']);
  });
  it('missing-referenced-file: stack.env, .env and paths from the project above are warnings; any other missing env file is an error', async () => {
    assert.deepStrictEqual(await severities('missing-referenced-file/project/sub/stack-compose.yml', 'missing-referenced-file'), ['8:warning', '10:warning', '12:warning', '14:error']);
  });
});

describe('severity of data loss by what is lost', () => {
  it('database-without-volume: a system of record is an error; metrics and broker state are warnings', async () => {
    assert.deepStrictEqual(await severities('database-without-volume/k8s-metrics-and-broker.yaml', 'database-without-volume'), ['13:error', '25:warning', '37:warning']);
  });
});
