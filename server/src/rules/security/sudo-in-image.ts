import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'sudo-in-image',
  title: 'sudo used in a RUN instruction',
  category: 'security',
  principle: 'security',
  severity: 'warning',
  fix: 'none',
  peers: { hadolint: ['DL3004'], kics: ['run_using_sudo'], trivy: ['DS-0010'] },
  docs: {
    why: '`sudo` in a Dockerfile is either useless (RUN already runs as the current USER; switch with `USER` instead) or a privilege-escalation path left in the shipped image: any process that gets a shell can become root. Its TTY and PAM behaviour also makes builds unpredictable.',
    bad: { lang: 'dockerfile', code: 'FROM debian:12.5\nRUN apt-get update && apt-get install -y sudo\nUSER app\nRUN sudo apt-get install -y curl' },
    good: { lang: 'dockerfile', code: 'FROM debian:12.5\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5\nUSER app' },
    notes: 'Flags `sudo` used as a command in RUN, in every stage. Installing the package alone is not reported (a base image for interactive use may ship it).',
  },
  check: {
    dockerfile(model, ctx) {
      for (const stage of model.stages) {
        for (const ins of stage.instructions) {
          if (ins.keyword !== 'RUN') continue;
          for (const c of ins.commands) {
            const first = c.words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text));
            if (first && first.text === 'sudo') {
              ctx.report({ range: model.source.range(first.start, first.end), message: 'RUN uses sudo. Switch users with the USER instruction instead; sudo in a build hides which user a step runs as.' });
            }
          }
        }
      }
    },
  },
});
