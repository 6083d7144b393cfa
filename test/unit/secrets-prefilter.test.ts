import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadSecretlint, mayHoldToken, PRESET_RULE_IDS } from '../../server/src/engine/secrets-scan';

const root = path.resolve(__dirname, '..', '..', '..');

async function fullScan(text: string): Promise<string[]> {
  const { lintSource, creator } = await loadSecretlint();
  const r = await lintSource({
    source: { filePath: 'file.txt', content: text, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator as never }] } },
  });
  return r.messages.filter((m) => m.ruleId !== '@secretlint/secretlint-rule-filter-comments').map((m) => m.ruleId);
}

/** base64 of a JSON object whose length leaves the closing brace alone in the last group (…fQ==), as 1Password's are. */
function onePasswordToken(): string {
  let json = '{"email":"svc@example.com","secretKey":"A3-C4ZJMN-PQTZTL-HGL84-G64M7-KVZRN-4ZVP6","srpX":"870d67a9e626625d9e36850780"';
  while ((json.length + 1) % 3 !== 1) json += ' ';
  return Buffer.from(json + '}').toString('base64');
}

// One token per rule of the preset (aws id scans are off by default, npm's _authToken only counts in .npmrc; we scan as file.txt), each reported by the full scan (checked below), so the pre-filter is tested on real matches.
const b64 = 'MIIEowIBAAKCAQEA' + 'q1w2e3r4t5y6u7i8o9p0aAsSdDfFgGhHjJkKlLzZxXcCvVbBnNmM'.repeat(3);
const SAMPLES: Record<string, string> = {
  'aws-secret': 'AWS_SECRET_ACCESS_KEY = "Q2hhbmdlIHRoaXMgdG9vIGJ1dCBub3QgYW4gZXhh"',
  'npm-token': 'token npm_Abcdefghijklmnopqrstuvwxyz0123456789',
  slack: 'SLACK=xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'slack-hook': 'url: https://hooks.slack.com/services/T01234567/B01234567/AbCdEfGhIjKlMnOpQrSt',
  basicauth: 'url: https://deploy:Kx8vQ2pLm9@registry.example.com/v2',
  openai: 'OPENAI=sk-abcdefghij1234567890T3BlbkFJabcdefghij1234567890',
  anthropic: `ANTHROPIC=sk-ant-api03-${'a1B2c3D4e5'.repeat(10)}AA`,
  linear: 'LINEAR=lin_api_abcdefghijklmnopqrstuvwxyz0123456789',
  privatekey: `-----BEGIN RSA PRIVATE KEY-----\n${b64}\n-----END RSA PRIVATE KEY-----`,
  sendgrid: `SENDGRID=SG.${'ngeVfQFYQlKU0ufo8x5d1A'}.${'TwL2iGABf9DHoTf09kqeF8tAmbihYzrnopKc1s5crAB'}`,
  shopify: 'SHOPIFY=shpat_r8TRc9ZXAvcVvcrmtr7qoVw69WeeY1ex',
  github: 'GITHUB_TOKEN=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',
  onepassword: `OP=ops_${onePasswordToken()}`,
  mysql: 'DATABASE_URL=mysql://app:Zq7vRt2mXw@db:3306/shop',
  postgres: 'DATABASE_URL=postgresql://app:Zq7vRt2mXw@db:5432/shop',
  mongodb: 'MONGO_URL=mongodb://app:Zq7vRt2mXw@mongo:27017/shop',
};

function textFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) textFiles(p, out);
    else if (e.isFile() && fs.statSync(p).size < 1_000_000) out.push(p);
  }
  return out;
}

describe('secret scan pre-filter', () => {
  it('knows every rule of the installed recommended preset', async () => {
    const preset = await import('@secretlint/secretlint-rule-preset-recommend');
    const ids = (preset.creator as unknown as { rules: { meta: { id: string } }[] }).rules.map((r) => r.meta.id).sort();
    assert.deepStrictEqual(ids, [...PRESET_RULE_IDS].sort(), 'the preset changed: re-derive MAY_HOLD_TOKEN in secrets-scan.ts from its rules');
  });

  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`lets a ${name} token through`, async () => {
      assert.ok((await fullScan(text)).length > 0, `secretlint no longer reports the ${name} sample; pick another`);
      assert.ok(mayHoldToken(text));
      assert.ok(mayHoldToken(`FROM alpine\nRUN echo hi\n${text}\n`));
    });
  }

  it('never skips a file in which the full scan reports something (fixtures and test corpus)', async function () {
    this.timeout(120000);
    // test/fixtures holds the test corpus (test/fixtures/corpus): real files, with KICS's secret tests.
    const files = [...textFiles(path.join(root, 'test', 'fixtures')), ...textFiles(path.join(root, 'test', 'eval'))];
    let reported = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      if (text.includes('\u0000')) continue;
      if ((await fullScan(text)).length) { reported++; assert.ok(mayHoldToken(text), `pre-filter would skip ${path.relative(root, f)}`); }
    }
    assert.ok(reported > 0, 'no file with a secretlint finding was checked');
  });
});
