import { defineRule, RuleContext } from '../../engine/rule';
import type { DockerfileModel, Instruction, Stage } from '../../model/dockerfile';
import { finalStage } from '../../model/dockerfile';
import { buildCommand, isBuildPackage, isSdkImage, removesPackages } from '../../knowledge/build-tools';
import { commandsOf } from '../../knowledge/container-commands';
import { packageInstall } from '../../knowledge/packages';
import { isNonServingImagePath } from '../../knowledge/lifecycle';
import { copyOperands, flagOf } from './stages';

/** The shipped stages, base first: what the final image is made of. */
function shippedChain(model: DockerfileModel): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = finalStage(model); s; s = s.parent) chain.unshift(s);
  return chain;
}

/** The shipped image compiles the application itself: a build command runs, or the whole build context is copied in. */
function buildsApplication(chain: Stage[], model: DockerfileModel): Instruction | undefined {
  for (const stage of chain) {
    for (const ins of stage.instructions) {
      if (ins.keyword === 'RUN' && commandsOf(ins, model.source).some((c) => buildCommand(c) && !buildCommand(c)!.runs)) return ins;
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !flagOf(ins, 'from')) {
        if (copyOperands(ins, model.source)?.sources.some((s) => /^\.\/?$/.test(s.value))) return ins;
      }
    }
  }
  return undefined;
}

function check(model: DockerfileModel, ctx: RuleContext): void {
  // Test runners and CI images compile on purpose, and base images other images build FROM keep their toolchain.
  if (isNonServingImagePath(ctx.path, (f) => ctx.fileExists(f))) return;
  const chain = shippedChain(model);
  if (!chain.length) return;
  const builds = buildsApplication(chain, model);
  if (!builds) return;
  const runs = chain.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN'));
  const multiStage = model.stages.length > 1;

  // A toolchain image as the base of what ships: the whole SDK is the release.
  const root = chain[0];
  if (root.image && isSdkImage(root.image)) {
    const step = runs.flatMap((i) => commandsOf(i, model.source)).map(buildCommand).find((b) => b && !b.runs);
    if (step) {
      ctx.report({
        range: root.image.range,
        severity: 'warning',
        message: `The image that ships is built FROM ${root.image.raw}, a build toolchain, and compiles the application in it (\`${step.label}\`): compilers, caches and sources all ship. Build in a first stage and copy only the result into a small runtime image (multi-stage build).`,
      });
      return;
    }
  }

  for (let r = 0; r < runs.length; r++) {
    const ins = runs[r];
    const commands = commandsOf(ins, model.source);
    for (let c = 0; c < commands.length; c++) {
      const install = packageInstall(commands[c]);
      if (!install || install.ecosystem !== 'os') continue;
      const tools = install.packages.filter((p) => isBuildPackage(p.name));
      if (!tools.length) continue;
      // Removed again (same RUN or a later one): a temporary toolchain, the official-images pattern.
      const later = [...commands.slice(c + 1), ...runs.slice(r + 1).flatMap((i) => commandsOf(i, model.source))];
      if (later.some(removesPackages)) continue;
      const names = tools.map((t) => t.name).join(', ');
      ctx.report({
        range: model.source.range(tools[0].word.start, tools[tools.length - 1].word.end),
        message: `${names} ${tools.length > 1 ? 'are' : 'is'} installed in the image that ships and never removed: compilers and headers that only the build needs stay in production, enlarging the image and handing an intruder a toolchain. ${multiStage ? 'Install them in the builder stage and copy only the built artifacts' : 'Build in a first stage (multi-stage build) and copy only the result'}, or remove them in the same RUN (\`apk add --virtual .build-deps\` … \`apk del .build-deps\`, \`apt-get purge --auto-remove\`).`,
      });
      break;
    }
  }
}

export default defineRule({
  id: 'compilers-in-final-image',
  title: 'Build toolchain shipped in the runtime image',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'info',
  fix: 'none',
  peers: {},
  docs: {
    why: 'Building and running are separate stages: the build needs compilers, headers, SDKs and dev dependencies; the running release needs only the result. When the image that ships is the one that compiled the code, every deploy pulls hundreds of megabytes of toolchain, cold starts and scale-outs slow down, vulnerability scanners report the compilers\' CVEs against production, and anyone who gets a shell in the container finds a ready toolchain. A multi-stage build compiles in a builder stage and copies only the artifacts into a runtime image.',
    bad: { lang: 'dockerfile', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app ./cmd/server\nCMD ["/app"]' },
    good: { lang: 'dockerfile', code: 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app ./cmd/server\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nCMD ["/app"]' },
    notes: 'Only judged when the shipped stages build an application (a RUN runs `go build`, `mvn package`, `gradle build`, `npm run build`, `tsc`, `cargo build`, `dotnet publish`, … or the whole build context is copied in with `COPY . …`), so toolchain images such as the official `golang` image are not reported. Two kinds: the shipped image is based on an SDK image (`golang`, `rust`, `maven`, `gradle`, `gcc`, `buildpack-deps`, `dotnet/sdk`, `*:…-jdk`) and builds in it (warning); or a shipped RUN installs OS packages that compile (`build-essential`, `build-base`, `gcc`, `g++`, `make`, `cmake`, `*-dev`, `*-devel`, …) that no later command removes (`apt-get purge`/`remove`, `apk del`, `dnf remove`) (info). Builder stages that are not shipped are never reported. npm/pip dev dependencies are not judged.',
  },
  check: { dockerfile: check },
});
