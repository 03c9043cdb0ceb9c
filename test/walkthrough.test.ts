/**
 * The classic lesson as a transcript test: examples/walkthrough/walkthrough.sh run against a fresh
 * default cluster (seed 1) with the lesson's manifests as the workspace, compared with its golden
 * transcript. Read the golden as a Kubernetes user would: every line should be what a real
 * v1.30 cluster prints, modulo pod names, IPs and NodePorts.
 *
 * `npm run sim` is the same code path (src/cli.ts → runScript); a second test runs the CLI itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../src/engine';
import { runScript } from '../src/engine/transcript';

const dir = join(__dirname, '..', 'examples', 'walkthrough');
const script = readFileSync(join(dir, 'walkthrough.sh'), 'utf8');
const files = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
);
const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const cli = join(__dirname, '..', 'src', 'cli.ts');

describe('the classic walkthrough', () => {
  it('prints the golden transcript', async () => {
    const cluster = createCluster({ seed: 1, files });
    const transcript = runScript(cluster.shell, script) + '\n';
    await expect(transcript).toMatchFileSnapshot(join(dir, 'walkthrough.transcript.txt'));
  });

  it('is what `npm run sim` prints', () => {
    const out = execFileSync(tsx, [cli, join(dir, 'walkthrough.sh')], { encoding: 'utf8' });
    expect(out).toBe(readFileSync(join(dir, 'walkthrough.transcript.txt'), 'utf8'));
  }, 60_000);
});

describe('npm run sim: usage errors', () => {
  const run = (...args: string[]) => spawnSync(tsx, [cli, ...args], { encoding: 'utf8' });

  it('--help explains it', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^Usage: npm run --silent sim -- SCRIPT \[--workdir DIR\] \[--seed N\]\n/,
    );
  }, 30_000);

  it('a missing script is a clear error', () => {
    const r = run('nope.sh');
    expect([r.status, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'sim: cannot read script "nope.sh": no such file\n',
    ]);
  }, 30_000);

  it('a missing workdir is a clear error', () => {
    const r = run(join(dir, 'walkthrough.sh'), '--workdir', '/nonexistent');
    expect([r.status, r.stderr]).toEqual([
      2,
      'sim: cannot read workdir "/nonexistent": no such directory\n',
    ]);
  }, 30_000);
});
