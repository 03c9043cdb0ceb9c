#!/usr/bin/env node
/**
 * Records the README's animated demo: a request's path, hop by hop.
 *
 *   node scripts/record-demo.mjs [out.gif]        (default docs/demo.gif)
 *
 * Builds the app into dist-demo (DEMO_DIST=<dir> uses an existing build instead), serves it with
 * `vite preview` on a free port of its own, and drives Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) at 1280×720: applies the lesson's deployment.yml and service.yml, sends
 * `http://httpd2/` from the pod sb with the Trace panel's Send request form, then steps the trace
 * hop by hop. Each hop's marker glide (a CSS transition) is paused and scrubbed through with the
 * Web Animations API, so the frames are the same on every machine however slow the screenshots
 * are. Frames are PNGs of the graph and the Trace panel; the GIF is assembled by ImageMagick's
 * `convert` when a real one is installed, else by ffmpeg, else by the small encoder below
 * (median-cut palette, changed-rectangle frames with transparency, LZW) — it says which.
 *
 * Knobs (environment): DEMO_FPS (10), DEMO_FRAMES_PER_HOP (3), DEMO_WIDTH (960, the GIF's width),
 * DEMO_KEEP_FRAMES=1 keeps the PNG frames (their directory is printed).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'docs/demo.gif'));
const FPS = Number(process.env.DEMO_FPS ?? 10);
const PER_HOP = Math.max(1, Number(process.env.DEMO_FRAMES_PER_HOP ?? 3));
const WIDTH = Number(process.env.DEMO_WIDTH ?? 960);
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const log = (...a) => console.log('record-demo:', ...a);

// ---------------------------------------------------------------------------------------------
// Build and serve.

function build() {
  if (process.env.DEMO_DIST) {
    const dir = resolve(process.env.DEMO_DIST);
    if (!existsSync(join(dir, 'index.html'))) throw new Error(`DEMO_DIST=${dir} has no index.html`);
    log(`using the build in ${dir}`);
    return dir;
  }
  const dir = join(root, 'dist-demo');
  log('building into dist-demo …');
  const r = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error', '--outDir', dir],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('vite build failed');
  return dir;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function serve(dir) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
      '--outDir',
      dir,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return { url, stop: () => child.kill('SIGTERM') };
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error('vite preview exited');
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`vite preview did not answer on ${url}`);
}

// ---------------------------------------------------------------------------------------------
// Drive the page.

/** Pauses every running animation (the marker's glide, the path's fade) and returns them. */
const PAUSE_ANIMATIONS = () => {
  const list = document.getAnimations().filter((a) => a.playState !== 'finished');
  for (const a of list) a.pause();
  window.__demoAnimations = list;
  return list.length;
};
/** Puts every paused animation at fraction f of its run. */
const SEEK_ANIMATIONS = (f) => {
  for (const a of window.__demoAnimations ?? []) {
    const t = a.effect?.getComputedTiming();
    const end = Number(t?.endTime ?? 0);
    if (Number.isFinite(end)) a.currentTime = end * f;
  }
};
const FINISH_ANIMATIONS = () => {
  for (const a of window.__demoAnimations ?? []) {
    try {
      a.finish();
    } catch {
      // an infinite animation cannot finish: leave it
    }
  }
  window.__demoAnimations = [];
};
/** Two animation frames in the page: React has rendered and the transitions have started. */
const frame = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function record(url, framesDir) {
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const graph = page.getByRole('region', { name: 'Cluster graph' });
    await graph.getByRole('group', { name: /^Node master, Ready/ }).waitFor();

    // The lesson: httpd2 ×3 behind its Service, the pod sb and its NodePort.
    const editor = page.getByRole('region', { name: 'Editor' });
    for (const file of ['deployment.yml', 'service.yml']) {
      const tab = editor.getByRole('tab', { name: file });
      await tab.click();
      await tab.press('Control+Enter');
      await editor.getByRole('status').filter({ hasText: 'Applied' }).waitFor();
    }
    await page.evaluate(() => window.playground?.advance(120_000));
    await graph.getByRole('group', { name: /^Pod sb, Running/ }).waitFor();
    // Stop the virtual clock so nothing but the request moves.
    const header = page.getByRole('banner');
    const pauseClock = header.getByRole('button', { name: 'Pause', exact: true });
    if (await pauseClock.count()) await pauseClock.click();

    // Send request: from sb to http://httpd2/.
    await page.getByRole('tab', { name: 'Trace' }).click();
    const trace = page.getByRole('region', { name: 'Trace' });
    await trace.getByRole('button', { name: 'Send request' }).click();
    const form = trace.getByRole('form', { name: 'Send request' });
    await form.getByRole('combobox', { name: 'From' }).selectOption('pod/default/sb');
    await form.getByRole('textbox', { name: 'URL' }).fill('http://httpd2/');
    await form.getByRole('button', { name: 'Send', exact: true }).click();
    await trace.getByRole('heading', { name: 'GET http://httpd2/ from default/sb' }).waitFor();
    // Close the form: the hops get the panel's height.
    await form.getByRole('button', { name: 'Close' }).click();

    // Take over from the player: pause, back to the first hop.
    const controls = trace.getByRole('toolbar', { name: 'Animation' });
    await controls.getByRole('button', { name: 'Pause', exact: true }).click();
    const hops = trace.getByRole('listbox', { name: /Hops/ });
    await hops.focus();
    await page.keyboard.press('Home');
    await frame(page);

    // The picture: the graph and the Trace panel side by side.
    const a = await graph.boundingBox();
    const b = await trace.boundingBox();
    const x = Math.floor(Math.min(a.x, b.x));
    const y = Math.floor(Math.min(a.y, b.y));
    const clip = {
      x,
      y,
      width: Math.ceil(Math.max(a.x + a.width, b.x + b.width)) - x,
      height: Math.ceil(Math.max(a.y + a.height, b.y + b.height)) - y,
    };
    await page.mouse.move(0, 0);

    const frames = [];
    let n = 0;
    const shot = async (delayCs) => {
      const file = join(framesDir, `frame-${String(n++).padStart(4, '0')}.png`);
      await page.screenshot({ path: file, clip, animations: 'allow', caret: 'hide' });
      frames.push({ file, delayCs });
    };
    const hopCs = Math.round(100 / FPS);
    // The first hop, held a moment.
    await shot(hopCs * 8);
    const forward = controls.getByRole('button', { name: 'Step forward' });
    for (let i = 0; i < 200 && (await forward.isEnabled()); i++) {
      await hops.focus();
      await page.keyboard.press('ArrowDown');
      await frame(page);
      await page.evaluate(PAUSE_ANIMATIONS);
      for (let k = 1; k <= PER_HOP; k++) {
        await page.evaluate(SEEK_ANIMATIONS, k / PER_HOP);
        await shot(hopCs);
      }
      await page.evaluate(FINISH_ANIMATIONS);
    }
    // The answer: scroll the panel to it and hold.
    await trace.getByText('It works!').first().scrollIntoViewIfNeeded();
    await frame(page);
    await shot(300);
    if (errors.length) log('page errors:', errors.join(' | '));
    return { frames, clip };
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------------
// PNG in (Chromium's screenshots: 8-bit RGB or RGBA, not interlaced).

function decodePng(buf) {
  let pos = 8;
  let width = 0;
  let height = 0;
  let type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const kind = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('PNG: only 8-bit, non-interlaced');
      type = data[9];
    } else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    pos += 12 + len;
  }
  const channels = { 2: 3, 6: 4 }[type];
  if (!channels) throw new Error(`PNG: colour type ${type} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let yy = 0; yy < height; yy++) {
    const f = raw[yy * (stride + 1)];
    const src = yy * (stride + 1) + 1;
    const row = yy * stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= channels ? px[row + i - channels] : 0;
      const up = yy > 0 ? px[row - stride + i] : 0;
      const ul = yy > 0 && i >= channels ? px[row - stride + i - channels] : 0;
      let v = raw[src + i];
      if (f === 1) v += left;
      else if (f === 2) v += up;
      else if (f === 3) v += (left + up) >> 1;
      else if (f === 4) {
        const p = left + up - ul;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - ul);
        v += pa <= pb && pa <= pc ? left : pb <= pc ? up : ul;
      }
      px[row + i] = v & 255;
    }
  }
  // To RGB (screenshots are opaque).
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; i < px.length; i += channels, j += 3) {
    rgb[j] = px[i];
    rgb[j + 1] = px[i + 1];
    rgb[j + 2] = px[i + 2];
  }
  return { width, height, rgb };
}

/** Scales down (area average) to `w` wide; never up. */
function scaleTo(img, w) {
  if (img.width <= w) return img;
  const s = img.width / w;
  const h = Math.round(img.height / s);
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * s);
    const y1 = Math.max(y0 + 1, Math.min(img.height, Math.floor((y + 1) * s)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * s);
      const x1 = Math.max(x0 + 1, Math.min(img.width, Math.floor((x + 1) * s)));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++)
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * img.width + xx) * 3;
          r += img.rgb[i];
          g += img.rgb[i + 1];
          b += img.rgb[i + 2];
        }
      const c = (y1 - y0) * (x1 - x0);
      const o = (y * w + x) * 3;
      rgb[o] = Math.round(r / c);
      rgb[o + 1] = Math.round(g / c);
      rgb[o + 2] = Math.round(b / c);
    }
  }
  return { width: w, height: h, rgb };
}

// ---------------------------------------------------------------------------------------------
// GIF out: one median-cut palette (255 colours + transparent) for all frames; each frame after
// the first is only the rectangle that changed, unchanged pixels in it transparent.

const bin = (r, g, b) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);

function medianCut(histogram, colours) {
  const entries = [];
  for (let i = 0; i < histogram.length; i++)
    if (histogram[i] > 0) entries.push([(i >> 10) & 31, (i >> 5) & 31, i & 31, histogram[i]]);
  let boxes = [entries];
  const range = (box, c) => {
    let lo = 31;
    let hi = 0;
    for (const e of box) {
      if (e[c] < lo) lo = e[c];
      if (e[c] > hi) hi = e[c];
    }
    return hi - lo;
  };
  while (boxes.length < colours) {
    // The box with the widest colour range splits next (small, distinct colours get their own).
    let best = -1;
    let bestRange = 0;
    let axis = 0;
    boxes.forEach((box, i) => {
      if (box.length < 2) return;
      for (let c = 0; c < 3; c++) {
        const r = range(box, c) * Math.log2(2 + box.length);
        if (r > bestRange) {
          bestRange = r;
          best = i;
          axis = c;
        }
      }
    });
    if (best < 0) break;
    const box = boxes[best].sort((p, q) => p[axis] - q[axis]);
    const total = box.reduce((s, e) => s + e[3], 0);
    let acc = 0;
    let cut = 1;
    for (; cut < box.length - 1; cut++) {
      acc += box[cut - 1][3];
      if (acc >= total / 2) break;
    }
    boxes = [...boxes.slice(0, best), box.slice(0, cut), box.slice(cut), ...boxes.slice(best + 1)];
  }
  return boxes.map((box) => {
    let r = 0;
    let g = 0;
    let b = 0;
    let w = 0;
    for (const e of box) {
      r += e[0] * e[3];
      g += e[1] * e[3];
      b += e[2] * e[3];
      w += e[3];
    }
    const to8 = (v) => Math.min(255, Math.round(((v / w) * 255) / 31));
    return [to8(r), to8(g), to8(b)];
  });
}

function lzw(indices, minCodeSize) {
  const out = [];
  let cur = 0;
  let bits = 0;
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let dict = new Map();
  const emit = (code) => {
    cur |= code << bits;
    bits += size;
    while (bits >= 8) {
      out.push(cur & 255);
      cur >>>= 8;
      bits -= 8;
    }
  };
  emit(clear);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = prefix * 256 + k;
    const hit = dict.get(key);
    if (hit !== undefined) {
      prefix = hit;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      if (next > 1 << size && size < 12) size++;
    } else {
      emit(clear);
      dict = new Map();
      size = minCodeSize + 1;
      next = eoi + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(eoi);
  if (bits > 0) out.push(cur & 255);
  return Buffer.from(out);
}

function encodeGif(images, delays) {
  const { width, height } = images[0];
  const TRANSPARENT = 255;
  // Palette from every frame (sampled).
  const histogram = new Uint32Array(32768);
  for (const img of images)
    for (let i = 0; i < img.rgb.length; i += 3 * 3)
      histogram[bin(img.rgb[i], img.rgb[i + 1], img.rgb[i + 2])]++;
  const palette = medianCut(histogram, 255);
  const lut = new Uint8Array(32768);
  for (let i = 0; i < 32768; i++) {
    const r = (((i >> 10) & 31) * 255) / 31;
    const g = (((i >> 5) & 31) * 255) / 31;
    const b = ((i & 31) * 255) / 31;
    let best = 0;
    let bestD = Infinity;
    palette.forEach(([pr, pg, pb], j) => {
      const d = 2 * (pr - r) ** 2 + 4 * (pg - g) ** 2 + 3 * (pb - b) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    });
    lut[i] = best;
  }
  const indexed = images.map((img) => {
    const ix = new Uint8Array(width * height);
    for (let p = 0, i = 0; p < ix.length; p++, i += 3)
      ix[p] = lut[bin(img.rgb[i], img.rgb[i + 1], img.rgb[i + 2])];
    return ix;
  });

  const parts = [];
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  header[10] = 0xf7; // global colour table, 8 bits, 256 entries
  parts.push(header);
  const table = Buffer.alloc(256 * 3);
  palette.forEach(([r, g, b], j) => table.set([r, g, b], j * 3));
  parts.push(table);
  // Loop forever.
  parts.push(Buffer.from([0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0]));

  indexed.forEach((ix, f) => {
    let x0 = 0;
    let y0 = 0;
    let x1 = width - 1;
    let y1 = height - 1;
    let pixels = ix;
    if (f > 0) {
      const prev = indexed[f - 1];
      x0 = width;
      y0 = height;
      x1 = -1;
      y1 = -1;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          if (ix[y * width + x] !== prev[y * width + x]) {
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            if (y > y1) y1 = y;
          }
      if (x1 < 0) {
        // Nothing changed: one transparent pixel keeps the frame (and its delay).
        x0 = x1 = y0 = y1 = 0;
      }
      const w = x1 - x0 + 1;
      const h = y1 - y0 + 1;
      pixels = new Uint8Array(w * h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const p = (y0 + y) * width + x0 + x;
          pixels[y * w + x] = ix[p] === prev[p] ? TRANSPARENT : ix[p];
        }
    }
    const gce = Buffer.from([0x21, 0xf9, 4, (1 << 2) | (f > 0 ? 1 : 0), 0, 0, TRANSPARENT, 0]);
    gce.writeUInt16LE(delays[f], 4);
    parts.push(gce);
    const desc = Buffer.alloc(10);
    desc[0] = 0x2c;
    desc.writeUInt16LE(x0, 1);
    desc.writeUInt16LE(y0, 3);
    desc.writeUInt16LE(x1 - x0 + 1, 5);
    desc.writeUInt16LE(y1 - y0 + 1, 7);
    parts.push(desc);
    parts.push(Buffer.from([8]));
    const data = lzw(pixels, 8);
    for (let i = 0; i < data.length; i += 255) {
      const chunk = data.subarray(i, i + 255);
      parts.push(Buffer.from([chunk.length]), chunk);
    }
    parts.push(Buffer.from([0]));
  });
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Assemble.

function realConvert() {
  const r = spawnSync('convert', ['-version'], { encoding: 'utf8' });
  return r.status === 0 && /ImageMagick/.test(r.stdout) ? 'convert' : undefined;
}
function hasFfmpeg() {
  return spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).status === 0;
}

function assemble(frames) {
  mkdirSync(dirname(out), { recursive: true });
  const convert = realConvert();
  if (convert) {
    log('assembling with ImageMagick convert');
    const args = ['-loop', '0'];
    for (const f of frames) args.push('-delay', String(f.delayCs), f.file);
    args.push('-resize', `${WIDTH}x>`, '-colors', '255', '-layers', 'Optimize', out);
    const r = spawnSync(convert, args, { stdio: 'inherit' });
    if (r.status === 0) return 'ImageMagick convert';
    log('convert failed; falling back');
  }
  if (!convert && hasFfmpeg()) {
    log('no ImageMagick convert: assembling with ffmpeg');
    const list = join(dirname(frames[0].file), 'frames.txt');
    writeFileSync(
      list,
      frames.map((f) => `file '${f.file}'\nduration ${f.delayCs / 100}`).join('\n') +
        `\nfile '${frames[frames.length - 1].file}'\n`,
    );
    const r = spawnSync(
      'ffmpeg',
      [
        '-y',
        '-loglevel',
        'error',
        '-f',
        'concat',
        '-safe',
        '0',
        '-i',
        list,
        '-vf',
        `scale='min(${WIDTH},iw)':-1:flags=area,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=none:diff_mode=rectangle`,
        '-loop',
        '0',
        out,
      ],
      { stdio: 'inherit' },
    );
    if (r.status === 0) return 'ffmpeg';
    log('ffmpeg failed; falling back');
  }
  if (!convert && !hasFfmpeg())
    log(
      'neither ImageMagick (convert) nor ffmpeg is installed: using the built-in GIF encoder ' +
        '(apt-get install imagemagick for ImageMagick)',
    );
  const images = frames.map((f) => scaleTo(decodePng(readFileSync(f.file)), WIDTH));
  writeFileSync(
    out,
    encodeGif(
      images,
      frames.map((f) => f.delayCs),
    ),
  );
  return 'the built-in encoder';
}

async function main() {
  const dir = build();
  const server = await serve(dir);
  const framesDir = mkdtempSync(join(tmpdir(), 'k8s-demo-frames-'));
  try {
    log(`recording from ${server.url}`);
    const { frames, clip } = await record(server.url, framesDir);
    const how = assemble(frames);
    const totalCs = frames.reduce((s, f) => s + f.delayCs, 0);
    const size = statSync(out).size;
    log(
      `${out}: ${(size / 1024 / 1024).toFixed(2)} MB, ${frames.length} frames, ` +
        `${(totalCs / 100).toFixed(1)} s, ${clip.width}×${clip.height} px captured → ` +
        `${Math.min(WIDTH, clip.width)} px wide (${how})`,
    );
    if (size > 3 * 1024 * 1024)
      log('warning: over 3 MB — try DEMO_WIDTH=800 or DEMO_FRAMES_PER_HOP=2');
  } finally {
    server.stop();
    if (process.env.DEMO_KEEP_FRAMES) log(`frames kept in ${framesDir}`);
    else rmSync(framesDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('record-demo:', e instanceof Error ? e.message : e);
  process.exit(1);
});
