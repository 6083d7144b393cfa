/**
 * Build toolchains: OS packages that compile code, commands that build an application, and images
 * that are SDKs rather than runtimes. Shared by the rules that keep building out of the running image.
 */
import type { ImageRef } from '../model/common';
import { imageBaseName } from './image';
import { argsOf, programOf, ShellCommand, ShellWord } from './shell';
import { RPM_REMOVE_VERBS } from './packages';

/** Package names (any OS package manager) that are compilers, build systems or headers. */
const COMPILER_NAMES = new Set([
  'build-essential', 'build-base', 'alpine-sdk', 'gcc', 'g++', 'gcc-c++', 'c++', 'cpp', 'clang', 'llvm', 'make', 'cmake', 'ninja-build',
  'autoconf', 'automake', 'libtool', 'musl-dev', 'libc6-dev', 'libc-dev', 'glibc-devel', 'linux-headers', 'gfortran', 'golang', 'golang-go',
  'rustc', 'cargo', 'maven', 'gradle', 'default-jdk', 'openjdk-17-jdk', 'openjdk-21-jdk', 'dotnet-sdk-8.0',
]);

/** A package that brings a compiler or development headers; returns a label for messages. */
export function isBuildPackage(name: string): boolean {
  const n = name.toLowerCase();
  if (COMPILER_NAMES.has(n)) return true;
  if (/^(?:gcc|g\+\+|clang|llvm|cpp)-\d+(?:\.\d+)*$/.test(n)) return true;
  if (/^openjdk\d*(?:-\d+)?-jdk(?:-headless)?$/.test(n) || /^java-[\d.]+-openjdk-devel$/.test(n)) return true;
  // Development headers: Debian/Alpine `-dev`, RPM `-devel`; `@development-tools` group.
  return /[a-z0-9]-dev$/.test(n) || /[a-z0-9]-devel$/.test(n) || n === '@development-tools' || n === '@development';
}

/** Commands that remove packages (`apt-get purge`, `apk del`, `dnf remove`): the toolchain was temporary. */
export function removesPackages(cmd: ShellCommand): boolean {
  const p = programOf(cmd);
  if (!p) return false;
  const sub = argsOf(cmd).find((a) => !a.text.startsWith('-'))?.text;
  if (/^(?:apt-get|apt|aptitude)$/.test(p.name)) return sub === 'purge' || sub === 'remove' || sub === 'autoremove';
  if (p.name === 'apk') return sub === 'del';
  if (/^(?:yum|dnf|dnf5|microdnf|tdnf|zypper)$/.test(p.name)) return !!sub && RPM_REMOVE_VERBS.includes(sub);
  return false;
}

export interface BuildCommand { label: string; word: ShellWord; /** Compiles and then runs (`go run`, `mvn spring-boot:run`). */ runs: boolean }

const first = (args: ShellWord[]) => args.find((a) => !a.text.startsWith('-'));

/** The command builds (or compiles-and-runs) application code: `npm run build`, `go build`, `mvn package`, `tsc`, ... */
export function buildCommand(cmd: ShellCommand): BuildCommand | undefined {
  const p = programOf(cmd);
  if (!p) return undefined;
  const name = p.name.replace(/^"|"$/g, '');
  const args = argsOf(cmd);
  const sub = first(args);
  const word = cmd.words[p.index];
  const hit = (label: string, runs = false): BuildCommand => ({ label, word, runs });
  switch (name) {
    case 'npm': case 'pnpm': case 'yarn': case 'bun': {
      const script = sub?.text === 'run' || sub?.text === 'run-script' ? first(args.slice(args.indexOf(sub) + 1))?.text : (name !== 'npm' ? sub?.text : undefined);
      return script && /^(?:build|compile|build:prod|build:production|tsc|webpack|bundle)$/.test(script) ? hit(`${name} run ${script}`) : undefined;
    }
    case 'npx': case 'pnpx': {
      const tool = first(args)?.text;
      return tool && /^(?:tsc|webpack|vite|next|ng|rollup|esbuild|parcel)$/.test(tool) && (tool === 'tsc' || tool === 'webpack' || args.some((a) => a.text === 'build')) ? hit(`npx ${tool}`) : undefined;
    }
    case 'tsc': case 'webpack': return hit(name);
    case 'vite': case 'next': case 'ng': case 'nuxt': return sub?.text === 'build' ? hit(`${name} build`) : undefined;
    case 'go':
      if (sub?.text === 'build' || sub?.text === 'install') return hit(`go ${sub.text}`);
      return sub?.text === 'run' ? hit('go run', true) : undefined;
    case 'cargo':
      if (sub?.text === 'build' || sub?.text === 'install') return hit(`cargo ${sub.text}`);
      return sub?.text === 'run' ? hit('cargo run', true) : undefined;
    case 'mvn': case 'mvnw': {
      const goals = args.map((a) => a.text);
      const run = goals.find((g) => /^(?:spring-boot:run|quarkus:dev|jetty:run|exec:java|tomcat7?:run)$/.test(g));
      if (run) return hit(`mvn ${run}`, true);
      const build = goals.find((g) => /^(?:package|install|verify|compile|deploy)$/.test(g));
      return build ? hit(`mvn ${build}`) : undefined;
    }
    case 'gradle': case 'gradlew': {
      const tasks = args.map((a) => a.text.replace(/^:/, ''));
      const run = tasks.find((t) => /^(?:bootRun|run|quarkusDev|appRun)$/.test(t));
      if (run) return hit(`gradle ${run}`, true);
      const build = tasks.find((t) => /^(?:build|assemble|bootJar|jar|shadowJar|installDist|war|compileJava)$/.test(t));
      return build ? hit(`gradle ${build}`) : undefined;
    }
    case 'dotnet':
      if (sub?.text === 'publish' || sub?.text === 'build') return hit(`dotnet ${sub.text}`);
      return sub?.text === 'run' || sub?.text === 'watch' ? hit(`dotnet ${sub.text}`, true) : undefined;
    case 'javac': case 'cmake': return name === 'cmake' && !args.some((a) => a.text === '--build') ? undefined : hit(name);
    default: return undefined;
  }
}

/** Images that are SDKs / build toolchains rather than runtimes (`golang`, `maven`, `dotnet/sdk`, `*-jdk`). */
export function isSdkImage(ref: ImageRef): boolean {
  if (ref.dynamic) return false;
  const base = imageBaseName(ref);
  const repo = ref.repository.toLowerCase();
  const tag = (ref.tag ?? '').toLowerCase();
  if (/^(?:golang|rust|maven|gradle|gcc|buildpack-deps|sbt|swift|haskell|elixir)$/.test(base)) return true;
  if (repo.endsWith('dotnet/sdk') || repo.endsWith('dotnet/core/sdk')) return true;
  if (/^(?:openjdk|eclipse-temurin|amazoncorretto|ibm-semeru-runtimes|sapmachine)$/.test(base) && /(?:^|-)jdk(?:-|$)/.test(tag)) return true;
  return false;
}
