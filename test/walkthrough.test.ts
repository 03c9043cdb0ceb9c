/**
 * The classic lesson through the CLI: `npm run sim examples/walkthrough/walkthrough.sh` prints the
 * golden transcript that examples.test.ts checks (src/cli.ts → runScript, the same code path),
 * and the CLI's usage errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '..', 'examples', 'walkthrough');
const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
const cli = join(__dirname, '..', 'src', 'cli.ts');

describe('the classic walkthrough', () => {
  // Its golden transcript itself is checked with the other examples' (examples.test.ts).
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
