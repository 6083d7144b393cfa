import { defineRule, Fix, RuleContext } from '../../engine/rule';
import type { Located } from '../../model/common';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { instructionsOf } from '../../knowledge/container-commands';
import { substitute } from '../../knowledge/interpolation';
import { copyOperands, flagOf, gitSource, isUrl, varsBefore } from './stages';

/** Archives ADD unpacks (tar, optionally compressed); for these ADD does something COPY does not. */
const ARCHIVE = /\.(?:tar|tgz|tbz2?|txz|tzst|tar\.(?:gz|bz2|xz|zst|lz|lzma|z))$/i;
/** Flags only ADD understands: keep ADD. */
const ADD_ONLY_FLAGS = ['checksum', 'keep-git-dir', 'unpack'];

function ownerStage(model: DockerfileModel, ins: Instruction): Stage | undefined {
  return ins.stage ?? model.stages.find((s) => s.instructions.some((i) => i.onbuild === ins));
}

/** What a source is, as far as the Dockerfile tells: 'archive', 'file' (not an archive) or 'unknown'. */
function kindOf(src: Located, dest: Located, single: boolean, vars: ReadonlyMap<string, string | undefined>): 'archive' | 'file' | 'unknown' {
  let value = src.value;
  if (src.dynamic) {
    const resolved = substitute(value, vars);
    if (resolved === undefined || resolved === '') {
      // `ADD ${JAR_FILE} app.jar`: a destination file with a non-archive extension says what the source is.
      const name = dest.dynamic || dest.value.endsWith('/') || !single ? '' : dest.value.split('/').pop() ?? '';
      return /\.[A-Za-z0-9]+$/.test(name) && !ARCHIVE.test(name) && !/\.(?:gz|bz2|xz|zst)$/i.test(name) ? 'file' : 'unknown';
    }
    value = resolved;
  }
  if (ARCHIVE.test(value)) return 'archive';
  // A glob could match an archive; a name without a dot may be an archive renamed, but rarely is.
  if (/[*?[]/.test(value) && !/\.[A-Za-z0-9]+$/.test(value)) return 'unknown';
  if (/\.(?:gz|bz2|xz|zst|lzma)$/i.test(value)) return 'archive';
  return 'file';
}

function keywordFix(model: DockerfileModel, ins: Instruction): Fix {
  const written = model.source.slice(ins.keywordRange);
  return {
    title: `Replace ADD with COPY (line ${ins.range.start.line + 1})`,
    safety: 'safe',
    edits: [{ range: ins.keywordRange, newText: written === written.toLowerCase() ? 'copy' : 'COPY' }],
  };
}

function check(model: DockerfileModel, ctx: RuleContext): void {
  for (const ins of instructionsOf(model, 'ADD')) {
    if (ADD_ONLY_FLAGS.some((f) => flagOf(ins, f))) continue;
    const ops = copyOperands(ins, model.source);
    if (!ops) continue;
    // `--from=stage` copies between stages; ADD of remote sources is remote-add's and code-fetched-at-build's.
    if (flagOf(ins, 'from') || ops.sources.some((s) => isUrl(s.value) || gitSource(s.value))) continue;
    const stage = ownerStage(model, ins);
    const vars = stage ? varsBefore(model, stage, ins.stage ? ins : undefined) : new Map<string, string | undefined>();
    const kinds = ops.sources.map((s) => kindOf(s, ops.dest, ops.sources.length === 1, vars));
    if (kinds.includes('archive') || kinds.includes('unknown')) continue;
    const shown = ops.sources.map((s) => s.value).join(' ');
    ctx.report({
      range: ins.keywordRange,
      message: `ADD ${shown} copies local files, which COPY does too, without ADD's hidden behaviours (unpacking archives, fetching URLs). Use COPY so the step does exactly what it says.`,
      fix: () => keywordFix(model, ins),
    });
  }
}

export default defineRule({
  id: 'add-instead-of-copy',
  title: 'ADD used to copy local files',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'info',
  fix: 'safe',
  peers: { hadolint: ['DL3020'], kics: ['add_instead_of_copy'], checkov: ['CKV_DOCKER_4'], trivy: ['DS-0005'] },
  docs: {
    why: '`ADD` copies like `COPY`, but it also unpacks any tar archive it is given and downloads URLs. A build step that copies local files with ADD changes meaning the day someone drops a `.tar.gz` into the folder: the release then contains the unpacked tree instead of the file. COPY says exactly what the build does, which keeps the release reviewable.',
    bad: { lang: 'dockerfile', code: 'FROM eclipse-temurin:21-jre\nADD target/app.jar /app/app.jar\nADD config/ /app/config/' },
    good: { lang: 'dockerfile', code: 'FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app/app.jar\nCOPY config/ /app/config/\n# ADD stays right for unpacking: ADD rootfs.tar.gz /' },
    notes: 'Only local sources that are not archives are reported: `.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst` and other compressed files are what ADD is for, and ADD with `--checksum`, `--keep-git-dir`, `--unpack` or `--from` is left alone. Variable sources are resolved from ARG/ENV defaults; when unknown, they are reported only if the destination names a non-archive file (`ADD ${JAR_FILE} app.jar`). Globs without an extension are skipped (they might match an archive). Remote sources are covered by `remote-add` (URLs) and `code-fetched-at-build` (git repositories). ONBUILD ADD is checked too. The fix renames the keyword: safe, because for these sources COPY behaves the same.',
  },
  check: { dockerfile: check },
});
