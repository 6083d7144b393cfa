/**
 * Companion objects in sibling files of one folder count for the workload rules: the Service that routes
 * to a workload (missing-probes), its PodDisruptionBudget, the namespace's LimitRange (resources rules).
 * Fixture: test/fixtures/workspaces/kube-siblings (see its README).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultConfig } from '../../server/src/engine/config';
import { analyzePath, diskHost } from '../../server/src/workspace/batch';
import { WorkspaceIndex } from '../../server/src/workspace/index';
import { fixturesDir, walk } from './helpers';

const PROJECT = path.join(fixturesDir, 'workspaces', 'kube-siblings');
const RULES = ['missing-probes', 'missing-disruption-budget', 'missing-resource-limits', 'missing-resource-requests'];
const config = { ...defaultConfig(), ruleSet: 'strict' as const };

/** `file:line:rule:severity` of the companion rules, as `seaworthy check <folder>` runs them. */
async function check(root: string): Promise<string[]> {
  const files = walk(root);
  const host = diskHost(config, undefined, files);
  const out: string[] = [];
  for (const f of files) for (const x of (await analyzePath(f, config, host)).findings) if (RULES.includes(x.ruleId)) out.push(`${path.relative(root, f)}:${x.range.start.line + 1}:${x.ruleId}:${x.severity}`);
  return out.sort();
}

describe('Kubernetes companion objects in sibling files', () => {
  it('the Service of service.yaml makes the missing readiness probe a warning; the PDB and LimitRange of sibling files count', async () => {
    assert.deepStrictEqual(await check(PROJECT), [
      // api: Service "api" (service.yaml) routes to it; its PDB (pdb.yaml) protects its 3 replicas.
      'deploy.yaml:17:missing-probes:warning',
      // batch: no Service, no port: liveness only; 2 replicas and no budget.
      'deploy.yaml:26:missing-disruption-budget:info',
      'deploy.yaml:36:missing-probes:info',
    ]);
  });

  it('the finding names the Service of the other file (no related position: it lies in another file)', async () => {
    const host = diskHost(config, undefined, walk(PROJECT));
    const r = await analyzePath(path.join(PROJECT, 'deploy.yaml'), config, host);
    const probe = r.findings.find((f) => f.ruleId === 'missing-probes' && f.range.start.line === 16)!;
    assert.ok(probe.message.includes('Service "api" sends it traffic'), probe.message);
    assert.strictEqual(probe.related, undefined);
  });

  it('in the workspace index, deleting the sibling Service and LimitRange brings the findings back', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-siblings-'));
    try {
      for (const f of fs.readdirSync(PROJECT)) fs.copyFileSync(path.join(PROJECT, f), path.join(tmp, f));
      const ix = new WorkspaceIndex({ roots: [tmp], config });
      await ix.scan();
      const of = () => ix.result(path.join(tmp, 'deploy.yaml'))!.findings.filter((f) => RULES.includes(f.ruleId)).map((f) => `${f.range.start.line + 1}:${f.ruleId}:${f.severity}`).sort();
      assert.deepStrictEqual(of(), ['17:missing-probes:warning', '26:missing-disruption-budget:info', '36:missing-probes:info']);
      for (const f of ['service.yaml', 'limits.yaml']) fs.rmSync(path.join(tmp, f));
      await ix.updateMany([{ path: path.join(tmp, 'service.yaml'), change: 'deleted' }, { path: path.join(tmp, 'limits.yaml'), change: 'deleted' }]);
      assert.deepStrictEqual(of(), [
        '17:missing-probes:info', '17:missing-resource-limits:info', '17:missing-resource-requests:info',
        '26:missing-disruption-budget:info',
        '36:missing-probes:info', '36:missing-resource-limits:info', '36:missing-resource-requests:info',
      ]);
    } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
  });
});
