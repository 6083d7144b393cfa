// Headless Debian chromium driven by playwright-core (never a downloaded browser).
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM, RESULTS_DIR, loadPlaywright, log, safeName, stamp } from './env.mjs';

// Without the background-networking flags chromium keeps trying (and failing) to reach Google hosts.
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--disable-features=Translate,MediaRouter', '--password-store=basic'];

/** Launch chromium with its own profile inside stateDir. Returns { context, page, close() }. */
export async function launchBrowser(stateDir, { viewport = { width: 1400, height: 900 }, env } = {}) {
  const { chromium } = loadPlaywright();
  const userDataDir = path.join(stateDir, 'chromium');
  fs.mkdirSync(userDataDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, viewport, args: CHROMIUM_ARGS, env,
  });
  const page = context.pages()[0] || await context.newPage();
  return { context, page, close: () => context.close().catch(() => {}) };
}

/** Save a screenshot to test-results/e2e/<name>.png (returns the path, or undefined if it failed). */
export async function saveScreenshot(page, name, { unique = false } = {}) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${safeName(name)}${unique ? `-${stamp()}` : ''}.png`);
  try {
    await page.screenshot({ path: file, timeout: 15000 });
    log('shot', file);
    return file;
  } catch (e) {
    log('shot', `screenshot ${file} failed: ${e.message}`);
    return undefined;
  }
}
