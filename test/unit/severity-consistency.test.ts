/**
 * docs/severity.md is the severity audit: per rule and kind, the severities a finding can have. This
 * test holds it to the rules and their fixtures, and holds the rules to "the same hazard, the same
 * severity in every kind" (a difference must be explained in the table).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultConfig, EngineConfig } from '../../server/src/engine/config';
import type { Severity } from '../../server/src/engine/rule';
import { setOf } from '../../server/src/engine/rule-sets';
import type { FileKind } from '../../server/src/model/common';
import { allRules } from '../../server/src/rules';
import { analyze, analyzeFile, fixturesDir, repoRoot, walk } from './helpers';

const KINDS: FileKind[] = ['dockerfile', 'compose', 'kubernetes'];
const RANK: Record<Severity, number> = { error: 2, warning: 1, info: 0 };
interface Row { id: string; set: string; cells: Record<FileKind, Severity[] | undefined>; lower: string; differ: string }

function readTable(): Map<string, Row> {
  const text = fs.readFileSync(path.join(repoRoot, 'docs', 'severity.md'), 'utf8');
  const rows = new Map<string, Row>();
  for (const line of text.split('\n')) {
    const m = /^\| ([a-z0-9-]+) \| (\w+) \|(.*)\|$/.exec(line);
    if (!m) continue;
    const [dockerfile, compose, kubernetes, lower, differ] = m[3].split('|').map((c) => c.trim());
    const cell = (c: string) => (c === '—' ? undefined : c.split('/').map((s) => s.trim() as Severity));
    rows.set(m[1], { id: m[1], set: m[2], cells: { dockerfile: cell(dockerfile), compose: cell(compose), kubernetes: cell(kubernetes), env: undefined }, lower, differ });
  }
  return rows;
}

const strict: EngineConfig = { ...defaultConfig(), ruleSet: 'strict' };

describe('severities (docs/severity.md)', function () {
  this.timeout(120000);
  const table = readTable();
  let seen: Map<string, Set<Severity>>;
  before(async () => {
    seen = new Map();
    for (const file of walk(path.join(fixturesDir, 'rules')).filter((f) => !/\.seaworthy\.ya?ml$/.test(f))) {
      const r = await analyzeFile(file, strict);
      for (const f of r.findings) {
        const key = `${f.ruleId}/${r.kind}`;
        (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(f.severity);
      }
    }
  });

  it('has one row per rule, with the rule\'s set and a cell for exactly the kinds it checks', () => {
    assert.deepStrictEqual([...table.keys()].sort(), allRules.map((r) => r.id).sort());
    for (const rule of allRules) {
      const row = table.get(rule.id)!;
      assert.strictEqual(row.set, setOf(rule), `${rule.id}: set`);
      for (const k of KINDS) assert.strictEqual(row.cells[k] !== undefined, rule.kinds.includes(k), `${rule.id}: ${k} column`);
      const listed = KINDS.flatMap((k) => row.cells[k] ?? []);
      assert.ok(listed.every((s) => s in RANK), `${rule.id}: unknown severity in ${listed.join(', ')}`);
      assert.ok(listed.includes(rule.severity), `${rule.id}: its default severity ${rule.severity} is not in its row`);
    }
  });

  it('lists every severity the fixtures show, highest first, and the highest is seen', () => {
    for (const rule of allRules) {
      const row = table.get(rule.id)!;
      // The table covers the three deployment kinds; env files carry only hardcoded-secret, at its own severity.
      for (const k of rule.kinds.filter((x) => KINDS.includes(x))) {
        const cell = row.cells[k]!;
        assert.deepStrictEqual([...cell].sort((a, b) => RANK[b] - RANK[a]), cell, `${rule.id}/${k}: highest first`);
        const shown = [...(seen.get(`${rule.id}/${k}`) ?? [])];
        for (const s of shown) assert.ok(cell.includes(s), `${rule.id}/${k}: fixtures show ${s}, the table lists ${cell.join(' / ')}`);
        if (shown.length) assert.ok(shown.includes(cell[0]), `${rule.id}/${k}: the table's highest, ${cell[0]}, is not seen on the fixtures (${shown.join(', ')})`);
      }
    }
  });

  it('says when a lower severity applies, and why kinds differ where their highest severities do', () => {
    for (const rule of allRules) {
      const row = table.get(rule.id)!;
      const cells = rule.kinds.filter((x) => KINDS.includes(x)).map((k) => row.cells[k]!);
      if (cells.some((c) => c.length > 1)) assert.ok(row.lower, `${rule.id}: several severities, no "Lower when"`);
      if (new Set(cells.map((c) => c[0])).size > 1) assert.ok(row.differ, `${rule.id}: highest severities differ between kinds (${cells.map((c) => c[0]).join(', ')}) without a reason`);
    }
  });

  it('gives the host PID namespace the same severity in Compose and Kubernetes, node agents one level lower in both', async () => {
    const sev = async (file: string, text: string) => (await analyze(file, text, strict)).findings.filter((f) => f.ruleId === 'host-namespace').map((f) => f.severity);
    assert.deepStrictEqual(await sev('/p/compose.yaml', 'services:\n  app:\n    image: shop/app:1.0.0\n    pid: host\n'), ['error']);
    assert.deepStrictEqual(await sev('/p/k8s.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n        - name: app\n          image: shop/app:1.0.0\n'), ['error']);
    assert.deepStrictEqual(await sev('/p/compose.yaml', 'services:\n  agent:\n    image: prom/node-exporter:v1.8.1\n    deploy:\n      mode: global\n    pid: host\n'), ['warning']);
    assert.deepStrictEqual(await sev('/p/k8s.yaml', 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n        - name: agent\n          image: prom/node-exporter:v1.8.1\n'), ['warning']);
  });

  it('gives a missing memory limit the same severity in Compose and Kubernetes', async () => {
    const sev = async (file: string, text: string) => (await analyze(file, text, strict)).findings.filter((f) => f.ruleId === 'missing-resource-limits').map((f) => f.severity);
    const compose = await sev('/p/compose.yaml', 'services:\n  app:\n    image: shop/app:1.0.0\n');
    const kube = await sev('/p/k8s.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/app:1.0.0\n');
    assert.deepStrictEqual(compose, ['info']);
    assert.deepStrictEqual(kube, compose);
  });
});
