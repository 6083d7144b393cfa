import { defineRule } from '../../engine/rule';
import { commandsOf, instructionsOf } from '../../knowledge/container-commands';
import { packageInstall } from '../../knowledge/packages';

export default defineRule({
  id: 'unpinned-package',
  title: 'Package installed without a version',
  category: 'dependencies',
  principle: 'dependencies',
  severity: 'warning',
  set: 'strict',
  fix: 'none',
  peers: {
    hadolint: ['DL3008', 'DL3013', 'DL3016', 'DL3018', 'DL3028', 'DL3033', 'DL3037', 'DL3041', 'DL3062'],
    kics: [
      'apt_get_install_pin_version_not_defined', 'unpinned_package_version_in_apk_add', 'unpinned_package_version_in_pip_install',
      'npm_install_without_pinned_version', 'gem_install_without_version', 'yum_install_without_version',
      'zypper_install_without_version', 'missing_version_specification_in_dnf_install',
    ],
  },
  docs: {
    why: 'A package installed by name alone resolves to whatever the registry serves on the day of the build. Two builds of the same commit can then ship different code: a new major release of a library breaks the application weeks after the last change, and a rebuild to fix an unrelated bug drags in untested upgrades. Naming the version (or installing from a lockfile or requirements file) makes the image a function of the repository.',
    bad: { lang: 'dockerfile', code: 'FROM python:3.12.2-slim\nRUN pip install --no-cache-dir flask gunicorn\nRUN npm install -g pm2' },
    good: { lang: 'dockerfile', code: 'FROM python:3.12.2-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nRUN npm install -g pm2@5.3.1' },
    notes: 'Checks `apt-get`/`apt` (`pkg=version`), `apk add` (`pkg=version`, `pkg~version`), `yum`/`dnf`/`microdnf` (`pkg-version`), `zypper` (`pkg=version`), `pip`/`python -m pip`/`uv pip`/`pipx` (`==`, `~=`, an upper bound or a direct URL; `>=` alone floats), `npm`/`yarn add`/`pnpm add` (`pkg@version`; `@latest` and other dist-tags float), `gem install` (`gem:version` or `-v` with one gem) and `go install`/`go get` of remote modules (`@vX.Y.Z` or a commit). One finding per package, at the package word, so each can be fixed or suppressed where it stands. Distribution packages (apt, apk, yum, dnf, zypper) are reported as **info**: their archives remove superseded versions, so exact pins break builds after the next security update; pinning the base image by digest or using a snapshot mirror is the sturdier way to freeze them. Upgrading the installer itself (`pip install --upgrade pip setuptools wheel`, `npm install -g npm`) is also info. Not flagged: requirement files and constraints (`-r`, `-c`), lockfile installs (`npm install`/`npm ci` without names, `bundle install`), local paths, wheels, tarballs, URLs, git specs, package groups (`@group`) and words built from variables (`pkg-$VERSION`). Rule set: strict. Pinning operating-system packages is policy (Debian and Alpine archives drop superseded versions, so exact pins break rebuilds), and these findings were nearly all OS packages on the precision sample (docs/precision.md).',
  },
  check: {
    dockerfile(model, ctx) {
      for (const ins of instructionsOf(model, 'RUN')) {
        for (const cmd of commandsOf(ins, model.source)) {
          const install = packageInstall(cmd);
          if (!install) continue;
          for (const pkg of install.packages) {
            if (pkg.pinned) continue;
            const info = install.ecosystem === 'os' || pkg.bootstrap;
            ctx.report({
              range: model.source.range(pkg.word.start, pkg.word.end),
              message: `\`${install.manager}\` installs "${pkg.name}" without a fixed version, so each build may get a different release. Pin it as ${install.pinSyntax}${install.alternative ? ` or install from ${install.alternative}` : ''}.`,
              severity: info ? 'info' : undefined,
            });
          }
        }
      }
    },
  },
});
