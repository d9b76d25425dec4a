// Opens datasets' HTML reports (_report.html) in headless Chromium and
// fails on a console error, an uncaught exception, a failed request or any
// request that leaves the file (the report must work offline), or a chart
// that did not render. Saves a full-page screenshot of each report.
//
//   node report.mjs OUT_DIR DATASET_DIR [DATASET_DIR...]
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [outDir, ...dirs] = process.argv.slice(2);
if (!outDir || dirs.length === 0) {
  console.error('usage: node report.mjs OUT_DIR DATASET_DIR [DATASET_DIR...]');
  process.exit(2);
}
const chromium = process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((p) => fs.existsSync(p));
if (!chromium) {
  console.error('report check: no Chromium found (install Debian\'s chromium, or set CHROMIUM)');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });

const started = Date.now();
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files'],
});
let failures = 0;
const fail = (dir, msg) => { failures++; console.error(`report FAIL: ${dir}: ${msg}`); };
try {
  for (const dir of dirs) {
    const file = path.resolve(dir, '_report.html');
    if (!fs.existsSync(file)) { fail(dir, 'no _report.html'); continue; }
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`uncaught exception: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} (${r.failure()?.errorText})`));
    const url = pathToFileURL(file).href;
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) problems.push(`request outside the page: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
    // Every chart is a figure with an SVG that drew something: a visible
    // size, and paths or other marks inside the plot.
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return {
        title: f.querySelector('figcaption')?.textContent ?? '?',
        width: box.width, height: box.height,
        marks: svg ? svg.querySelectorAll('path').length : 0,
        text: svg ? svg.querySelectorAll('text').length : 0,
      };
    }));
    const sections = await page.$$eval('main section h2', (hs) => hs.map((h) => h.textContent));
    if (charts.length === 0) problems.push('no charts');
    for (const c of charts) {
      if (c.width < 100 || c.height < 60) problems.push(`chart "${c.title}" is ${c.width}x${c.height} px`);
      // axes, ticks and grid alone are about a dozen paths; data adds more.
      if (c.marks < 12 || c.text < 3) problems.push(`chart "${c.title}" looks empty (${c.marks} paths, ${c.text} labels)`);
    }
    const name = path.basename(path.resolve(dir));
    const shot = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (problems.length) {
      for (const p of problems) fail(dir, p);
    } else {
      const kb = Math.round(fs.statSync(file).size / 1024);
      console.log(`report ok: ${dir}: ${charts.length} charts in ${sections.length} sections (${sections.join(', ')}), ${kb} KiB; screenshot ${shot}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
if (failures) {
  console.error(`report check: ${failures} problem(s)`);
  process.exit(1);
}
console.log(`report check ok: ${dirs.length} report(s) rendered in Chromium without errors (${((Date.now() - started) / 1000).toFixed(2)}s)`);
