import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

/**
 * The real third-party clients the integration tests drive (Neovim, pre-commit) come from Debian's
 * packages. scripts/ci/debian-tools.sh installs what is missing (as root; once per machine, idempotent):
 * the tests need nothing installed beforehand.
 */
export function ensureDebianTools(): void {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'ci', 'debian-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60 * 1000 });
  assert.strictEqual(r.status, 0, `scripts/ci/debian-tools.sh failed:\n${r.stdout}\n${r.stderr}`);
}
