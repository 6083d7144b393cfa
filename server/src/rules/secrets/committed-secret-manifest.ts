import { defineRule, RuleContext } from '../../engine/rule';
import type { KubeObject } from '../../model/kubernetes';
import type { Range } from '../../model/range';
import { isPlaceholderSecret, isPublicSecretField, isSecretName, isSettingValue, maskSecret, nameTokens, passwordInUrl, secretFileKind } from '../../knowledge/secrets';
import { holdsCredential } from './secret-in-configmap';
import type { YView } from '../../parse/yaml-view';

const ADVICE = 'Commit it encrypted (Sealed Secrets, SOPS) or reference an external store (External Secrets Operator, CSI secrets driver), or create the Secret at deploy time from your CI\'s secret store.';

/** `data:` values are base64; undefined when the text is not base64 at all (then it is judged as written). */
function decodeBase64(v: string): string | undefined {
  const t = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

/** A literal, non-empty value that is not a template, variable or placeholder. */
function literal(view: YView | undefined): { value: string; range: Range } | undefined {
  const s = view?.str();
  if (!s || s.dynamic || !s.value.trim() || isPlaceholderSecret(s.value)) return undefined;
  return { value: s.value, range: s.range };
}

/**
 * A Secret entry that holds plain configuration: a file (`config.alloy`, `queries.yaml`, a multi-line value)
 * or a list of words under a setting name, with no credential inside; public PEM material (DH parameters,
 * certificates) likewise. Key material by name (`tls.key`, `id_rsa`) is never plain.
 */
function plainConfiguration(key: string, plain: string): boolean {
  if (secretFileKind(key)) return false;
  if (/-----BEGIN [A-Z ]+-----/.test(plain)) return !/PRIVATE KEY-----/.test(plain);
  const file = /\.[A-Za-z][A-Za-z0-9]{0,11}$/.test(key) || plain.trim().includes('\n');
  if (!file && (isSecretName(key) || !/\s/.test(plain.trim()))) return false;
  return !holdsCredential(plain, key);
}

/** The value names its own key (`ACCESS_SECRET_KEY: secret_key`, `ACCESS_KEY_ID: key_id`): a placeholder. */
function namesItsKey(key: string, plain: string): boolean {
  const k = nameTokens(key), v = nameTokens(plain.trim());
  return v.length >= 2 && v.length <= k.length && /^[\w.-]+$/.test(plain.trim()) && v.every((t, i) => t === k[k.length - v.length + i]);
}

function checkSecret(obj: KubeObject, ctx: RuleContext): void {
  const name = obj.name ? `Secret "${obj.name}"` : 'Secret';
  for (const field of ['data', 'stringData'] as const) {
    for (const e of obj.raw.get(field)?.entries() ?? []) {
      const lit = literal(e.value);
      if (!lit) continue;
      const plain = field === 'data' ? decodeBase64(lit.value) ?? lit.value : lit.value;
      if (!plain.trim() || isPlaceholderSecret(plain)) continue;
      if (isPublicSecretField(e.key) && !passwordInUrl(plain)) continue;
      if (!isSecretName(e.key) && isSettingValue(plain)) continue;
      if (plainConfiguration(e.key, plain) || namesItsKey(e.key, plain)) continue;
      const encoding = field === 'data' ? ' (base64 is an encoding, not encryption)' : '';
      ctx.report({
        range: lit.range,
        message: `${name} commits the value of "${e.key}" (${maskSecret(lit.value.trim())}) to the repository${encoding}. ${ADVICE}`,
      });
    }
  }
}

/** kubeconfig (`kind: Config`): credentials of each user. */
const KUBECONFIG_USER_FIELDS = ['client-key-data', 'token', 'password'];
const AUTH_PROVIDER_FIELDS = ['access-token', 'refresh-token', 'id-token', 'client-secret'];

function checkKubeconfig(obj: KubeObject, ctx: RuleContext): void {
  for (const u of obj.raw.get('users')?.items() ?? []) {
    const userName = u.get('name')?.str()?.value ?? '?';
    const user = u.get('user');
    if (!user) continue;
    const fields: [string, YView | undefined][] = [
      ...KUBECONFIG_USER_FIELDS.map((f) => [f, user.get(f)] as [string, YView | undefined]),
      ...AUTH_PROVIDER_FIELDS.map((f) => [`auth-provider ${f}`, user.get('auth-provider')?.get('config')?.get(f)] as [string, YView | undefined]),
    ];
    for (const [field, view] of fields) {
      const lit = literal(view);
      if (!lit) continue;
      ctx.report({
        range: lit.range,
        message: `kubeconfig user "${userName}" has a literal ${field} (${maskSecret(lit.value.trim())}) committed to the repository: it grants that user's access to the cluster. Keep kubeconfigs out of git and use short-lived credentials (exec plugins, OIDC).`,
      });
    }
  }
}

/** Kustomize `secretGenerator` literals (`- password=x`) end up in a Secret just the same. */
function checkKustomization(obj: KubeObject, ctx: RuleContext): void {
  for (const gen of obj.raw.get('secretGenerator')?.items() ?? []) {
    const genName = gen.get('name')?.str()?.value ?? '?';
    for (const item of gen.get('literals')?.items() ?? []) {
      const lit = literal(item);
      const eq = lit ? lit.value.indexOf('=') : -1;
      if (!lit || eq < 0) continue;
      const key = lit.value.slice(0, eq).trim(), value = lit.value.slice(eq + 1);
      if (!value.trim() || isPlaceholderSecret(value) || (isPublicSecretField(key) && !passwordInUrl(value))) continue;
      ctx.report({
        range: lit.range,
        message: `secretGenerator "${genName}" commits the value of "${key}" (${maskSecret(value.trim())}) to the repository. Generate it from a file or env file kept out of git (\`files:\`/\`envs:\`), or ${ADVICE.charAt(0).toLowerCase()}${ADVICE.slice(1)}`,
      });
    }
  }
}

export default defineRule({
  id: 'committed-secret-manifest',
  title: 'Secret object with literal values committed',
  category: 'secrets',
  principle: 'config',
  severity: 'error',
  fix: 'none',
  peers: { kics: ['passwords_and_secrets'] },
  docs: {
    why: 'A Kubernetes Secret manifest with its values filled in puts the credentials into git: every clone, fork, CI log and backup of the repository has them, and rotating one means rewriting history. `data:` is only base64, which anyone can decode. Secrets should reach the cluster from a secret store at deploy time, or be committed only in encrypted form, so the same manifests can be deployed to every environment with different credentials.',
    bad: { lang: 'yaml', code: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-db\ntype: Opaque\nstringData:\n  password: hunter2' },
    good: { lang: 'yaml', code: 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: api-db\nspec:\n  secretStoreRef: { name: vault, kind: ClusterSecretStore }\n  target: { name: api-db }\n  data:\n    - secretKey: password\n      remoteRef: { key: shop/api-db, property: password }' },
    notes: 'Reports each literal value of a `Secret`\'s `data` and `stringData`, literal user credentials in a kubeconfig (`kind: Config`: `client-key-data`, `token`, `password`, auth-provider tokens) and Kustomize `secretGenerator` `literals`. Not reported: Helm `{{ }}` and `${VAR}` values, empty values (also base64 of whitespace), placeholders such as `<password>`, and keys that are not secret by themselves (user names, hosts, ports, `ca.crt`, `tls.crt`, `certificate-authority-data`) unless they hold a URL with a password, and values that read as settings under names that do not say secret (a protocol, a number with its unit, a host name or IP, a URL without a password: a Secret used as an app\'s whole environment holds `N8N_PROTOCOL: http` too). A `service-account-token` Secret without data has nothing to report. Messages show at most the first characters of a value.',
  },
  check: {
    kubernetes(model, ctx) {
      for (const obj of model.objects) {
        if (obj.kind === 'Secret') checkSecret(obj, ctx);
        else if (obj.kind === 'Config') checkKubeconfig(obj, ctx);
        else if (obj.kind === 'Kustomization') checkKustomization(obj, ctx);
      }
    },
  },
});
