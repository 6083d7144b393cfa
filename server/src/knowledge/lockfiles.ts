/**
 * Node package managers installing a project's dependencies from its lockfile (or not): `npm install`,
 * `yarn [install]`, `pnpm install` and the options that freeze or free the lockfile.
 */
import { argsOf, programOf, ShellCommand, ShellWord } from './shell';

/** Node package managers that install from a lockfile, and the lockfiles each one reads. */
export type LockfileManager = 'npm' | 'yarn' | 'pnpm';
export const LOCKFILES: Record<LockfileManager, readonly string[]> = {
  npm: ['package-lock.json', 'npm-shrinkwrap.json'],
  yarn: ['yarn.lock'],
  pnpm: ['pnpm-lock.yaml'],
};

export interface LockfileInstall {
  manager: LockfileManager;
  /** The program word (`npm`, `yarn`, `pnpm`). */
  program: ShellWord;
  /** `install`/`i`; absent for a bare `yarn`. */
  subcommand?: ShellWord;
  /** Already installs exactly the lockfile (`--frozen-lockfile`, `--immutable`, `YARN_ENABLE_IMMUTABLE_INSTALLS=true`). */
  frozen: boolean;
  /** Explicitly allowed to change the lockfile (`--no-frozen-lockfile`, `--no-immutable`, `--fix-lockfile`): a decision, not an oversight. */
  optOut: boolean;
}

/** npm's aliases of `install` (`npm help install`). */
const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_VALUE_OPTIONS = new Set(['--registry', '--prefix', '--cache', '--userconfig', '--omit', '--include', '-w', '--workspace', '--loglevel', '--install-strategy', '--before', '--tag', '--cpu', '--os', '--libc']);
const YARN_VALUE_OPTIONS = new Set(['--cwd', '--modules-folder', '--cache-folder', '--network-timeout', '--mutex', '--registry', '--network-concurrency', '--global-folder', '--link-folder', '--use-yarnrc', '--mode', '--preferred-cache-folder']);
const PNPM_VALUE_OPTIONS = new Set(['--dir', '-C', '--filter', '-F', '--reporter', '--store-dir', '--virtual-store-dir', '--modules-dir', '--network-concurrency', '--child-concurrency', '--registry', '--loglevel', '--workspace-dir', '--node-linker', '--config.node-linker', '--resolution-mode']);

/**
 * `npm install` / `yarn [install]` / `pnpm install` without package names: the commands that install a
 * project's dependencies and may resolve versions other than its lockfile's. `npm ci`, installs of
 * named packages, global installs, and commands whose arguments come from variables are not returned.
 */
export function lockfileInstall(cmd: ShellCommand): LockfileInstall | undefined {
  const p = programOf(cmd);
  if (!p || !/^(?:npm|yarn|pnpm)$/.test(p.name)) return undefined;
  const manager = p.name as LockfileManager;
  const program = cmd.words[p.index];
  const args = argsOf(cmd);
  if (args.some((a) => /[$`]/.test(a.text))) return undefined;
  const valueOptions = manager === 'npm' ? NPM_VALUE_OPTIONS : manager === 'yarn' ? YARN_VALUE_OPTIONS : PNPM_VALUE_OPTIONS;
  const options: string[] = [];
  const positional: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (t.startsWith('-') && t.length > 1) {
      options.push(t);
      if (valueOptions.has(t)) i++;
    } else positional.push(args[i]);
  }
  const subcommand = positional[0];
  // Everything after the subcommand would be a package name (or a folder, a tarball): not a lockfile install.
  if (positional.length > 1) return undefined;
  const sub = subcommand?.text;
  if (manager === 'npm' ? !sub || !NPM_INSTALL.has(sub) : manager === 'yarn' ? sub !== undefined && sub !== 'install' : sub !== 'install' && sub !== 'i') return undefined;
  const has = (...names: string[]) => options.some((o) => names.includes(o) || (names.includes(o.split('=')[0]) && !/=(?:false|0)$/.test(o)));
  if (has('-g', '--global', '--no-package-lock', '--package-lock-only', '--lockfile-only')) return undefined;
  if (options.some((o) => o === '--package-lock=false' || o === '--location=global')) return undefined;
  // A bare `yarn --version` or `yarn --help` installs nothing.
  if (manager === 'yarn' && !sub && has('-v', '--version', '-h', '--help')) return undefined;
  const env = cmd.words.slice(0, p.index).map((w) => w.text);
  const envTrue = (name: string) => env.some((e) => new RegExp(`^${name}=(?:true|1)$`, 'i').test(e));
  const frozen = manager !== 'npm' && (has('--frozen-lockfile', '--immutable') || envTrue('YARN_ENABLE_IMMUTABLE_INSTALLS') || envTrue('YARN_FROZEN_LOCKFILE'));
  const optOut = options.some((o) => /^--(?:no-frozen-lockfile|no-immutable|fix-lockfile|frozen-lockfile=false|immutable=false)$/.test(o))
    || env.some((e) => /^YARN_ENABLE_IMMUTABLE_INSTALLS=(?:false|0)$/i.test(e));
  return { manager, program, subcommand, frozen, optOut };
}
