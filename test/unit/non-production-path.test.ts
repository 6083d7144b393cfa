import * as assert from 'assert';
import { isNonProductionPath } from '../../server/src/knowledge/environments';

/** `exists` for a checkout whose root (holding `.git`) is `root`. */
function checkout(file: string, root: string): (relative: string) => boolean {
  const dir = file.slice(0, file.lastIndexOf('/'));
  return (relative) => {
    const up = relative.split('../').length - 1;
    const base = dir.split('/').slice(0, dir.split('/').length - up).join('/');
    return relative.endsWith('.git') && base === root;
  };
}

describe('isNonProductionPath', () => {
  it('reads the folders between the file and the top of its project', () => {
    const f = '/home/me/cnpg/tests/e2e/fixtures/affinity/cluster.yaml';
    assert.strictEqual(isNonProductionPath(f, checkout(f, '/home/me/cnpg')), true);
    const g = '/home/me/shop/deploy/prod/cluster.yaml';
    assert.strictEqual(isNonProductionPath(g, checkout(g, '/home/me/shop')), false);
  });

  it('ignores the folders above the project, where the checkout happens to live', () => {
    const f = '/home/me/dev/tests/shop/compose.yaml';
    assert.strictEqual(isNonProductionPath(f, checkout(f, '/home/me/dev/tests/shop')), false);
  });

  it('without a project marker, reads only the file and its folder', () => {
    assert.strictEqual(isNonProductionPath('/srv/dev/shop/compose.yaml'), false);
    assert.strictEqual(isNonProductionPath('/srv/shop/examples/compose.yaml'), true);
    assert.strictEqual(isNonProductionPath('/srv/shop/compose.dev.yaml'), true);
    assert.strictEqual(isNonProductionPath('/srv/shop/compose.local.yml'), true);
    assert.strictEqual(isNonProductionPath('/srv/shop/.examples/compose.yaml'), true);
  });

  it('does not read words inside other words', () => {
    assert.strictEqual(isNonProductionPath('/srv/shop/latest/compose.yaml'), false);
    assert.strictEqual(isNonProductionPath('/srv/shop/devices/compose.yaml'), false);
    assert.strictEqual(isNonProductionPath('/srv/shop/contest.yaml'), false);
  });
});
