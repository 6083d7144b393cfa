import { defineRule } from '../../engine/rule';

export default defineRule({
  id: 'logging-disabled',
  title: 'Container logs thrown away',
  category: 'observability',
  principle: 'logs',
  severity: 'warning',
  fix: 'none',
  peers: {},
  docs: {
    why: 'With the `none` logging driver Docker discards everything the container writes to stdout and stderr. `docker logs` shows nothing, log shippers receive nothing, and the error message of the crash you are investigating is gone before anyone looks.',
    bad: { lang: 'yaml', code: 'services:\n  worker:\n    image: example/worker:1.4.2\n    logging:\n      driver: none' },
    good: { lang: 'yaml', code: 'services:\n  worker:\n    image: example/worker:1.4.2\n    logging:\n      driver: local\n      options:\n        max-size: 10m' },
    notes: 'Reported for `logging.driver: none` in Compose services. To limit disk use, keep a driver and set rotation (`local`, or `json-file` with `max-size`/`max-file`) rather than switching logs off. No fix: which driver fits is the operator\'s choice.',
  },
  check: {
    compose(model, ctx) {
      for (const s of model.services) {
        const driver = s.raw.get('logging')?.get('driver')?.str();
        if (!driver || driver.dynamic || driver.value.trim().toLowerCase() !== 'none') continue;
        ctx.report({
          range: driver.range,
          message: `Service "${s.name}" discards its logs (logging driver "none"): \`docker logs\` and log shippers see nothing when it fails. Keep a driver with rotation, e.g. \`local\`.`,
        });
      }
    },
  },
});
