import { defineRule } from '../../engine/rule';
import { instructionsOf } from '../../knowledge/container-commands';
import { copyOperands, flagOf, gitSource, isUrl } from './stages';

export default defineRule({
  id: 'remote-add',
  title: 'ADD downloads a URL without a checksum',
  category: 'build-run',
  principle: 'build-release-run',
  severity: 'info',
  fix: 'none',
  peers: { kics: ['curl_or_wget_instead_of_add'] },
  docs: {
    why: '`ADD https://...` fetches a file while the image builds. Nothing records what was downloaded: when the server changes the file, or the download is tampered with, the next build silently ships different content under the same commit, and a release can no longer be rebuilt. BuildKit\'s `ADD --checksum=sha256:...` makes the build fail instead; over plain `http://` anyone on the path can swap the file.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12.5-slim\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini' },
    good: { lang: 'dockerfile', code: '# syntax=docker/dockerfile:1.6\nFROM debian:12.5-slim\nADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \\\n    https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini' },
    notes: 'Reports ADD of `http://`, `https://` and `ftp://` sources without `--checksum`, in every stage (a builder stage\'s download ends up in what it builds). Plain `http://` is a warning, anything else info. Git repositories given to ADD are `code-fetched-at-build`\'s concern. `RUN curl`/`wget` downloads are not judged here (a checksum check may follow in the same RUN); `curl | sh` is `curl-pipe-shell`.',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of instructionsOf(model, 'ADD')) {
        if (flagOf(ins, 'checksum')) continue;
        const ops = copyOperands(ins, model.source);
        for (const src of ops?.sources ?? []) {
          if (!isUrl(src.value) || gitSource(src.value)) continue;
          const plain = /^(?:http|ftp):\/\//i.test(src.value);
          ctx.report({
            range: src.range,
            severity: plain ? 'warning' : undefined,
            message: `ADD downloads ${src.value} at build time with nothing pinning its content${plain ? ', over an unencrypted connection anyone on the path can tamper with' : ''}: a changed or swapped file ships silently. Add \`--checksum=sha256:<digest>\` (BuildKit) or download it in a RUN that verifies the checksum.`,
          });
        }
      }
    },
  },
});
