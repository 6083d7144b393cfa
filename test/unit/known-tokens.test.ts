import * as assert from 'assert';
import { knownToken, TOKEN_FORMATS } from '../../server/src/knowledge/secrets';

/** One made-up token per format (never a live one), each at the format's shortest length where it has one. */
const SAMPLES: Record<string, string> = {
  'live secret API key': 'sk_live_' + 'a1B2c3D4e5F6g7H8i9J0',
  'Square access token': 'sq0atp-' + 'A'.repeat(22),
  'Square OAuth secret': 'sq0csp-' + 'B'.repeat(40),
  'Amazon MWS auth token': 'amzn.mws.0123abcd-0123-4567-89ab-0123456789ab',
  'MailChimp API key': '0123456789abcdef0123456789abcdef-us1',
  'SendGrid API key': 'SG.' + 'c'.repeat(16) + '.' + 'd'.repeat(30),
  'Google OAuth access token': 'ya29.' + 'e'.repeat(20),
  'Google API key': 'AIza' + 'F'.repeat(35),
  'Facebook access token': 'EAACEdEose0cBA' + 'Z',
  'AWS access key id': 'AKIA' + 'Q'.repeat(16),
  'GitHub token': 'ghp_' + 'g'.repeat(36),
  'GitLab token': 'glpat-' + 'h'.repeat(20),
  'Slack token': 'xoxb-' + '1'.repeat(10),
  'JSON Web Token': 'eyJ' + 'a'.repeat(8) + '.eyJ' + 'b'.repeat(8) + '.' + 'c'.repeat(8),
  'private key': '-----BEGIN RSA PRIVATE KEY-----',
};

describe('known token formats (knowledge/secrets.ts)', () => {
  it('has a sample for every format, and each sample is found by its format despite the quick pre-checks', () => {
    assert.deepStrictEqual(Object.keys(SAMPLES).sort(), TOKEN_FORMATS.map((f) => f.typeName).sort());
    for (const [typeName, token] of Object.entries(SAMPLES)) {
      assert.ok(TOKEN_FORMATS.find((f) => f.typeName === typeName)!.find(token)?.text === token, `${typeName}: the sample matches the format itself`);
      const found = knownToken(`export X=${token} && run`);
      assert.strictEqual(found?.typeName, typeName, `${typeName}: found in a command line`);
      assert.strictEqual(found.value, token);
    }
  });

  it('finds nothing in ordinary shell words', () => {
    for (const w of ['apt-get', 'install', '--no-install-recommends', 'curl=7.88.1-10', 'https://example.com/a.tar.gz', 'node:20.11-alpine']) assert.strictEqual(knownToken(w), undefined, w);
  });
});
