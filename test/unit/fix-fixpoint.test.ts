/**
 * `seaworthy fix` stops where running it again would change nothing (the fix fuzz's idempotence oracle,
 * test/fuzz/check-fix.ts). Inputs are the fuzzer's minimised reproducers.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FixSession } from '../../server/src/engine/apply-fixes';
import { defaultConfig } from '../../server/src/engine/config';

const noGit = { refuseReason: () => undefined, ignored: () => false };

/** Runs fix-all (unsafe) on the file and writes it, as `seaworthy fix --unsafe` does; the titles applied. */
async function fixOnce(file: string): Promise<string[]> {
  const session = new FixSession(noGit);
  // Every rule (strict): the fuzzer found these reproducers when every rule ran by default.
  const r = await session.fixFile(file, { ...defaultConfig(), ruleSet: 'strict' }, { unsafe: true });
  assert.ok(r.converged);
  await session.write(path.dirname(file));
  return r.applied.map((a) => `${a.ruleId}: ${a.title}`);
}

describe('fix-all reaches a fixpoint in one run', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seaworthy-fixpoint-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('fixes each of two problems with the same message (two services of one name), not only the first', async () => {
    // Fuzz case 1:227. The second "api" needs its memory limit in a later pass than the first one's (its
    // pids_limit goes in at the same place first); the same message made it look like the first problem
    // come back, so only a second `fix` added it.
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, 'services: api:\n   pids_limit:\napi:\n e:');
    const first = await fixOnce(file);
    // The first "api" has a pids_limit, the second none: its fix adds both limits (one finding per service).
    assert.strictEqual(first.filter((t) => /^missing-resource-limits: Add a memory limit( and a process limit)? to "api"$/.test(t)).length, 2, first.join('\n'));
    assert.strictEqual(first.filter((t) => t === 'missing-restart-policy: Add restart: unless-stopped to "api"').length, 2, first.join('\n'));
    const text = fs.readFileSync(file, 'utf8');
    assert.deepStrictEqual(await fixOnce(file), []);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), text);
  });

  it('tries a refused fix again once other fixes changed the file', async () => {
    // Fuzz case 1:747. In this broken file pids_limit first adds a syntax error and is refused; after the
    // memory limit is in, the same fix goes in cleanly, which only a second `fix` used to do.
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, 'services: y:\n  c: {:\n n:');
    const first = await fixOnce(file);
    // Since one fix adds the memory and the process limit of a service that has neither, pids_limit goes in with it.
    assert.ok(first.includes('missing-resource-limits: Add a memory limit and a process limit to "y"'), first.join('\n'));
    const text = fs.readFileSync(file, 'utf8');
    assert.deepStrictEqual(await fixOnce(file), []);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), text);
  });

  it('tries a refused fix again in the next round even when the round ended on another refusal', async () => {
    // Fuzz case 1:4698 (minimised). The pass that refused the volume handed back its findings without the
    // ones refused so far, so pids_limit for "a", refused first, was never tried again; a second `fix` added it.
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, '\ufeffservices: a:\n    : \n    \u0002 #\n      L: \n b:\n  image: mongo');
    const first = await fixOnce(file);
    assert.ok(first.includes('missing-resource-limits: Add a memory limit and a process limit to "a"'), first.join('\n'));
    const text = fs.readFileSync(file, 'utf8');
    assert.deepStrictEqual(await fixOnce(file), []);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), text);
  });

  it('counts only the passes that change the file against the pass limit (refusals retried per round, not per change)', async () => {
    // Retrying every refused fix after every change took (changes × refusals) passes: fuzz case 1:1646,
    // 4 fixes and 35 refusals, ran out of its 100 passes and "did not settle". Here: 3 changes, 1 refusal.
    const file = path.join(tmp, 'compose.yaml');
    fs.writeFileSync(file, 'services: y:\n  c: {:\n n:');
    // The memory and the process limit are one fix since they are one finding: 2 changes now, within 3 passes.
    const r = await new FixSession(noGit).fixFile(file, { ...defaultConfig(), ruleSet: 'strict' }, { unsafe: true, maxPasses: 3 });
    assert.strictEqual(r.converged, true);
    assert.strictEqual(r.applied.length, 2, r.applied.map((a) => a.title).join('\n'));
    assert.deepStrictEqual(r.refused, [], 'nothing refused at first stays reported as skipped');
  });
});
