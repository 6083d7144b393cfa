/**
 * Masking hides a detected secret where it sits and changes nothing else (engine/mask.ts). Secret-looking
 * values here are made up and assembled at run time; assertion messages never print one in full.
 */
import * as assert from 'assert';
import { unifiedDiff } from '../../server/src/cli/diff';
import { maskSecret } from '../../server/src/knowledge/secrets';
import { maskRanges, maskSpans, printable, SecretMasker, secretQuotes, Span, storedSecretSpans, urlCredentials } from '../../server/src/engine/mask';

const maskText = (text: string, quotes: ReturnType<typeof secretQuotes>) => new SecretMasker(quotes).mask(text);
import { mdEscape } from '../../server/src/report/render/markdown';
import { StringSetMatcher } from '../../server/src/engine/string-set-matcher';
import { analyze } from './helpers';

/** A small deterministic generator (mulberry32): the property tests are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN = ['ghp', '_', 'Ab3dEf6hIj9kLm2oPq5sTu8wXy1zAb4dEf7hIj0k'].join('');

describe('masking (engine/mask)', () => {
  describe('in messages: the secret where it is quoted, nothing else', () => {
    const text = 'services:\n  db:\n    image: postgres:15-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n';
    const start = text.indexOf('POSTGRES_PASSWORD: ') + 'POSTGRES_PASSWORD: '.length;
    const quotes = secretQuotes(text, [{ start, end: start + 'postgres'.length }]);

    it('keeps the same characters used as image names, paths and words', () => {
      for (const m of [
        'Image "postgres:15-alpine" has no digest.',
        'Service "db" runs PostgreSQL but its data directory /var/lib/postgresql/data is not persistent.',
        'Service "db" runs a postgres backing service but has no healthcheck.',
        'LABEL "postgres" is fine.',
      ]) assert.strictEqual(maskText(m, quotes), m);
    });

    it('masks the value where the text quotes it with its neighbours from the file', () => {
      assert.strictEqual(maskText('Line `POSTGRES_PASSWORD: postgres` sets it.', quotes), 'Line `POSTGRES_PASSWORD: po****` sets it.');
      const cmd = 'CMD ["java", "-Dspring.datasource.password=hunter22", "-jar", "app.jar"]\n';
      const at = cmd.indexOf('hunter22');
      const q = secretQuotes(cmd, [{ start: at, end: at + 8 }]);
      assert.strictEqual(maskText('The image runs `["java", "-Dspring.datasource.password=hunter22", "-jar"` without a HEALTHCHECK.', q),
        'The image runs `["java", "-Dspring.datasource.password=hu****", "-jar"` without a HEALTHCHECK.');
    });

    it('masks URL credentials of any scheme and known token formats anywhere', () => {
      const m = maskText(`RUN clones https://oauth2:${TOKEN}@github.com/acme/app.git and ftp://bob:pa55word@files.example.com/x`, []);
      assert.ok(!m.includes(TOKEN.slice(4)), 'the token is shown');
      assert.ok(m.includes('https://oauth2:ghp_****@github.com/acme/app.git'), m.replace(TOKEN, '<token>'));
      assert.ok(m.includes('ftp://bob:pa****@files.example.com/x'), m.replace(TOKEN, '<token>'));
      assert.ok(!maskText(`token ${TOKEN} in a comment`, []).includes(TOKEN), 'a bare token is masked');
    });

    it('leaves variable references and placeholders in URLs alone', () => {
      for (const m of ['https://oauth2:${GIT_TOKEN}@github.com/x.git', 'postgres://app:$DB_PASSWORD@db/app', 'https://user:<password>@host/', 'https://github.com/a/b.git']) {
        assert.strictEqual(maskText(m, []), m);
        assert.deepStrictEqual(urlCredentials(m), []);
      }
    });
  });

  describe('in files: only the secret ranges change (property)', () => {
    const ALPHABET = 'abcdefgh ABC012:/@"\'=-_.\t';
    const randomText = (r: () => number, n: number) => Array.from({ length: n }, () => (r() < 0.08 ? (r() < 0.5 ? '\n' : '\r\n') : ALPHABET[Math.floor(r() * ALPHABET.length)])).join('');

    it('masked text with the secrets put back is the original text, line for line', () => {
      const r = rng(19);
      for (let round = 0; round < 300; round++) {
        const text = randomText(r, 20 + Math.floor(r() * 200));
        const spans: Span[] = [];
        for (let k = Math.floor(r() * 4); k > 0; k--) {
          const s = Math.floor(r() * text.length);
          spans.push({ start: s, end: Math.min(text.length, s + 1 + Math.floor(r() * 30)) });
        }
        const masked = maskSpans(text, spans);
        assert.strictEqual(masked.split('\n').length, text.split('\n').length, 'line count kept');
        assert.strictEqual(masked.split('\r').length, text.split('\r').length, 'CRs kept');
        // Put back: walk both texts; every difference must be a masked piece of a span.
        let i = 0, j = 0;
        const inSpan = (x: number) => spans.some((s) => s.start <= x && x < s.end);
        while (i < text.length || j < masked.length) {
          if (text[i] === masked[j] && (!inSpan(i) || text[i] === '\n' || text[i] === '\r')) { i++; j++; continue; }
          assert.ok(inSpan(i), `round ${round}: byte ${i} outside every secret range changed`);
          let e = i;
          while (e < text.length && inSpan(e) && text[e] !== '\n' && text[e] !== '\r') e++;
          // Blanks at the ends of a line's piece are kept as they are.
          while (e > i && /[ \t]/.test(text[e - 1])) e--;
          if (/[ \t]/.test(text[i])) { assert.strictEqual(masked[j], text[i], `round ${round}: blank at ${i}`); i++; j++; continue; }
          const shown = maskSecret(text.slice(i, e));
          assert.strictEqual(masked.slice(j, j + shown.length), shown, `round ${round}: piece at ${i}`);
          i = e; j += shown.length;
        }
      }
    });

    it('a printed diff shows the masked lines and, with the secrets put back, is the unmasked diff', () => {
      const r = rng(20);
      const secrets = ['hunter2-a', 'postgres', 'sentry', 's3cr3t-b'];
      for (let round = 0; round < 200; round++) {
        const lineOf = () => {
          const s = secrets[Math.floor(r() * secrets.length)];
          return r() < 0.4 ? { text: `  PASSWORD_${Math.floor(r() * 9)}: ${s}`, secret: s } : { text: `  image: ${s}:1.${Math.floor(r() * 9)} # /var/lib/${s}ql` };
        };
        const before = Array.from({ length: 3 + Math.floor(r() * 10) }, lineOf);
        const after = before.filter(() => r() < 0.8).concat(Array.from({ length: Math.floor(r() * 3) }, lineOf));
        const join = (ls: { text: string }[]) => ls.map((l) => l.text).join('\n') + '\n';
        const spansOf = (ls: { text: string; secret?: string }[]) => {
          const out: Span[] = [];
          let at = 0;
          for (const l of ls) { if (l.secret) out.push({ start: at + l.text.length - l.secret.length, end: at + l.text.length }); at += l.text.length + 1; }
          return out;
        };
        const [a, b] = [join(before), join(after)];
        const plain = unifiedDiff('a/x', 'b/x', a, b);
        const shown = unifiedDiff('a/x', 'b/x', a, b, 3, { before: maskSpans(a, spansOf(before)), after: maskSpans(b, spansOf(after)) });
        let restored = shown;
        for (const s of secrets) restored = restored.split(`: ${maskSecret(s)}\n`).join(`: ${s}\n`);
        assert.strictEqual(restored, plain, `round ${round}`);
        for (const s of secrets) {
          assert.ok(!new RegExp(`PASSWORD_\\d: ${s}$`, 'm').test(shown), `round ${round}: a secret line is printed`);
          if (plain.includes(`image: ${s}:`)) assert.ok(shown.includes(`image: ${s}:`), `round ${round}: an image name was masked`);
        }
      }
    });
  });

  it('files that store secrets: every value (.env, Secret manifests), keys and structure kept', () => {
    const env = 'export DB_PASSWORD=hunter2-x\nAPI_KEY="quoted-value"\n# comment=kept\nEMPTY=\n';
    assert.strictEqual(maskSpans(env, storedSecretSpans(env, 'dotenv')), 'export DB_PASSWORD=hu****\nAPI_KEY="quo****"\n# comment=kept\nEMPTY=\n');
    const crOnly = env.replace(/\n/g, '\r');
    assert.strictEqual(maskSpans(crOnly, storedSecretSpans(crOnly, 'dotenv')), 'export DB_PASSWORD=hu****\rAPI_KEY="quo****"\r# comment=kept\rEMPTY=\r', 'a CR-only .env');
    const manifest = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\nstringData:\n  API_TOKEN: "value-one"\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n    MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n    -----END PRIVATE KEY-----\n';
    const shown = maskSpans(manifest, storedSecretSpans(manifest, 'manifest'));
    assert.ok(shown.includes('  name: api-secrets\n'), shown);
    assert.ok(shown.includes('  API_TOKEN: "va****"\n'), shown);
    assert.ok(!shown.includes('MIIEvQIBADANBgkq'), 'a private key body line is printed');
    assert.strictEqual(shown.split('\n').length, manifest.split('\n').length);
  });

  describe('the engine masks what leaves it', () => {
    it('credential URLs in every finding message and related text (code-fetched-at-build, remote-add, build-context-outside-repo)', async () => {
      const docker = `FROM alpine:3.20\nRUN git clone https://oauth2:${TOKEN}@github.com/acme/app.git /src\nADD https://deploy:Xy7pQ2vR9s@artifacts.example.com/tool.tgz /opt/\nCMD ["/src/run"]\n`;
      const d = await analyze('/tmp/seaworthy-mask/Dockerfile', docker);
      const compose = 'services:\n  api:\n    build: https://oauth2:Zq8wE3rT6y@github.com/acme/api.git\n';
      const c = await analyze('/tmp/seaworthy-mask/compose.yaml', compose);
      const texts = [...d.findings, ...c.findings].flatMap((f) => [f.message, ...(f.related ?? []).map((x) => x.message)]);
      assert.ok(texts.some((t) => /code-fetched|clones/.test(t) || t.includes('github.com/acme/app.git')), 'the clone is reported');
      assert.ok(!texts.some((t) => t.includes(TOKEN.slice(4)) || t.includes('Xy7pQ2vR9s') || t.includes('Zq8wE3rT6y')), 'a credential is shown');
      assert.ok(texts.some((t) => t.includes('https://oauth2:ghp_****@github.com/acme/app.git')), 'the URL is kept around the masked token');
      assert.deepStrictEqual(c.findings.filter((f) => f.category === 'secrets').map((f) => f.ruleId), ['secret-in-command'], 'a token in build.context is a secret finding');
    });

    it('records where the secrets sit, so every output masks the same ranges', async () => {
      const text = 'services:\n  db:\n    image: postgres:15-alpine\n    environment:\n      POSTGRES_PASSWORD: postgres\n    volumes:\n      - /var/lib/postgresql/data\n';
      const r = await analyze('/tmp/seaworthy-mask/compose.yaml', text);
      assert.deepStrictEqual(r.secrets, [{ start: { line: 4, character: 25 }, end: { line: 4, character: 33 } }]);
      for (const f of r.findings.filter((x) => x.category !== 'secrets')) assert.ok(!f.message.includes('po****'), `${f.ruleId} mangled: ${f.message}`);
      assert.ok(r.findings.some((f) => f.message.includes('/var/lib/postgresql/data')));
    });

    it('a quoted secret keeps its quotes, and a private key in a YAML block is masked line by line', async () => {
      const body = ['MIIEowIBAAKCAQEAx1y2z3Abc4Def5Ghi6Jkl7Mno8Pqr9Stu0Vwx1Yz2Ab3Cd4Ef', '5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5Ab6Cd7Ef8Gh9Ij0Kl1Mn2Op3Qr4St5Uv6W'];
      const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: Opaque\nstringData:\n  tls.key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    ${body[0]}\n    ${body[1]}\n    -----END RSA PRIVATE KEY-----\n  password: "hunter2-xyz"\n`;
      const r = await analyze('/tmp/seaworthy-mask/secret.yaml', text);
      const shown = maskRanges(text, r.secrets);
      assert.ok(!body.some((b) => shown.includes(b.slice(0, 12))), 'a private key body line is shown');
      assert.ok(shown.includes('  tls.key: |\n    ----****\n    MIIE****\n    5Gh6****\n'), shown);
      assert.ok(shown.includes('  password: "hu****"\n'), shown);
      const compose = 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: "postgres"\n      API_TOKEN: \'abc123secret\'\n';
      const c = await analyze('/tmp/seaworthy-mask/compose.yaml', compose);
      assert.strictEqual(maskRanges(compose, c.secrets), 'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: "po****"\n      API_TOKEN: \'abc****\'\n');
      // A key the rules only point at by its header line: the whole block to its END line is the secret.
      const sshBody = ['b3BlbnNzaC1rZXktdjEAAAAA', 'BG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'].join('');
      const ssh = `services:\n  app:\n    image: nginx:1.27\n    environment:\n      SSH_KEY: |\n        -----BEGIN OPENSSH PRIVATE KEY-----\n        ${sshBody}\n        -----END OPENSSH PRIVATE KEY-----\n`;
      const k = await analyze('/tmp/seaworthy-mask/compose.yaml', ssh);
      assert.ok(k.findings.some((f) => f.ruleId === 'hardcoded-secret'), 'the key is reported');
      assert.ok(maskRanges(ssh, k.secrets).endsWith('      SSH_KEY: |\n        ----****\n        b3Bl****\n        ----****\n'), 'the key body is shown');
    });

    it('generated Compose files whose password is also an image, service or path name: only secrets messages mask, and none shows the password (property)', async () => {
      const r = rng(22);
      const words = ['postgres', 'redis', 'sentry', 'grafana', 'minio', 'gitea'];
      const pick = () => words[Math.floor(r() * words.length)];
      for (let round = 0; round < 60; round++) {
        const password = pick();
        const services = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
          const name = i === 0 && r() < 0.5 ? password : `${pick()}${i}`;
          const image = r() < 0.5 ? password : pick();
          return [`  ${name}:`, `    image: ${image}:${1 + Math.floor(r() * 9)}.${Math.floor(r() * 9)}`, '    environment:',
            `      ${r() < 0.5 ? 'DB' : image.toUpperCase()}_PASSWORD: ${r() < 0.5 ? password : `"${password}"`}`,
            `      DATA_DIR: /var/lib/${pick()}/data`, '    volumes:', `      - /var/lib/${r() < 0.5 ? password : pick()}ql/data`].join('\n');
        });
        const text = `services:\n${services.join('\n')}\n`;
        const res = await analyze('/tmp/seaworthy-mask/compose.yaml', text);
        for (const f of res.findings) {
          const texts = [f.message, ...(f.related ?? []).map((x) => x.message)];
          if (f.category !== 'secrets') assert.ok(!texts.some((t) => t.includes('****')), `round ${round}: ${f.ruleId} masked other text: ${f.message}`);
          assert.ok(!texts.some((t) => new RegExp(`_PASSWORD: "?${password}\\b`).test(t)), `round ${round}: ${f.ruleId} quotes the password`);
        }
        const shown = maskRanges(text, res.secrets);
        const restored = shown.replace(/^(\s+\w+_PASSWORD: "?)[^"\n]*\*{4}/gm, `$1${password}`);
        assert.strictEqual(restored, text, `round ${round}: only the password ranges change`);
      }
    });

    it('control and bidi characters from the file become visible escapes in messages', async () => {
      const r = await analyze('/tmp/seaworthy-mask/compose.yaml', 'services:\n  "web\u001b[2J\u202e":\n    image: nginx\n');
      const m = r.findings.map((f) => f.message).join('\n');
      assert.ok(m.includes('web\\x1b[2J\\u202e'), m);
      assert.ok(!/[\u001b\u202e]/.test(m), 'a raw control character left the engine');
    });
  });

  it('finds every occurrence of many strings at once, as a search for each would (property)', () => {
    const r = rng(21);
    for (let round = 0; round < 300; round++) {
      const pick = (n: number) => Array.from({ length: n }, () => 'abc'[Math.floor(r() * 3)]).join('');
      const strings = Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(1 + Math.floor(r() * 4)));
      const text = pick(Math.floor(r() * 40));
      const naive: string[] = [];
      strings.forEach((s, index) => { for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + 1)) naive.push(`${i}:${index}`); });
      const found = new StringSetMatcher(strings).matches(text).map((m) => `${m.start}:${m.index}`);
      // Duplicated strings are found under one of their indexes: compare by the string matched.
      const norm = (xs: string[]) => [...new Set(xs.map((x) => { const [i, k] = x.split(':'); return `${i}:${strings[Number(k)]}`; }))].sort();
      assert.deepStrictEqual(norm(found), norm(naive), `round ${round}: ${JSON.stringify(strings)} in ${text}`);
    }
  });

  it('printable: C0/C1 controls, DEL, lone CR and bidi controls escaped; tab, newline and text kept', () => {
    assert.strictEqual(printable('a\u001b[31mb\u0007\u009b\u007f\rc\u202ed\u2066e\tf\ng é 日本'), 'a\\x1b[31mb\\x07\\x9b\\x7f\\x0dc\\u202ed\\u2066e\tf\ng é 日本');
  });

  it('Markdown cells and inline text: a lone CR, CRLF or LF never starts a new block; links, HTML and ANSI are escaped', () => {
    const s = mdEscape('x\r# Injected\r\n- item\n[click](https://evil.example)<b>\u001b[31m');
    assert.ok(!/[\r\n\u001b]/.test(s), JSON.stringify(s));
    assert.strictEqual(s, 'x \\# Injected - item \\[click\\]\\(https://evil.example\\)&lt;b&gt;\\\\x1b\\[31m');
  });
});
