/**
 * JUnit XML for CI test dashboards (GitLab `artifacts:reports:junit`, Jenkins, Azure Pipelines): one test
 * suite per analysed file, one failing test case per finding that reaches --fail-on (other findings are
 * listed as passing cases with their text in system-out, so a dashboard does not turn red for an info),
 * and one passing case for a clean file.
 */
import type { Severity } from '../../engine/rule';
import { printable } from '../../engine/mask';
import type { CheckOutput } from './types';
import { xml } from './xml';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function renderJunit(out: CheckOutput, failOn: Severity): string {
  interface Case { name: string; failure?: { type: string; message: string; body: string }; note?: string }
  const suites = new Map<string, Case[]>();
  for (const s of out.scanned) suites.set(s.repoPath, []);
  const add = (file: string, c: Case) => (suites.get(file) ?? suites.set(file, []).get(file)!).push(c);
  for (const p of out.problems) {
    const message = printable(p.message);
    add(p.repoPath, RANK[p.severity] >= RANK[failOn]
      ? { name: `unreadable-file ${p.repoPath}:${p.line}`, failure: { type: p.severity, message, body: `${p.repoPath}:${p.line}:${p.column}: ${message}` } }
      : { name: `unreadable-file ${p.repoPath}:${p.line}`, note: message });
  }
  for (const f of out.findings) {
    const message = printable(f.message);
    const name = `${f.ruleId} ${f.repoPath}:${f.line}:${f.column}`;
    add(f.repoPath, RANK[f.severity] >= RANK[failOn]
      ? { name, failure: { type: f.severity, message, body: `${f.repoPath}:${f.line}:${f.column}: ${f.severity}: ${message} (${f.ruleId})` } }
      : { name, note: `${f.severity}: ${message}` });
  }
  let tests = 0, failures = 0;
  const body: string[] = [];
  for (const [file, cases] of suites) {
    if (!cases.length) cases.push({ name: `${file} has no findings` });
    const fails = cases.filter((c) => c.failure).length;
    tests += cases.length; failures += fails;
    body.push(`  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${fails}" errors="0" skipped="0">`);
    for (const c of cases) {
      const open = `    <testcase classname="${xml(file)}" name="${xml(c.name)}"`;
      if (c.failure) body.push(`${open}>`, `      <failure type="${xml(c.failure.type)}" message="${xml(c.failure.message)}">${xml(c.failure.body)}</failure>`, '    </testcase>');
      else if (c.note) body.push(`${open}>`, `      <system-out>${xml(c.note)}</system-out>`, '    </testcase>');
      else body.push(`${open}/>`);
    }
    body.push('  </testsuite>');
  }
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="seaworthy" tests="${tests}" failures="${failures}" errors="0">`, ...body, '</testsuites>'].join('\n') + '\n';
}
