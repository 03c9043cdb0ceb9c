/**
 * The `--help` of scale, label, annotate, cordon, uncordon, drain, run, expose and
 * `create deployment`, as kubectl 1.30 prints them in a terminal at least 120 columns wide:
 * templates.LongDesc (markdown rendered to text, later paragraphs indented by a space), the
 * examples indented by two, each option as `    --name=default:` then its usage wrapped at 110
 * and tab-indented, the whole text wrapped at 120 by the responsive writer.
 */
import { describe, expect, test } from 'vitest';
import type { KubectlCommand } from '../types';
import { kubectlFixture } from '../testing';
import { annotateCommand } from './annotate';
import { cordonCommand, uncordonCommand } from './cordon';
import { createDeploymentCommand } from './create-deployment';
import { drainCommand } from './drain';
import { exposeCommand } from './expose';
import { labelCommand } from './label';
import { runCommand } from './run';
import { scaleCommand } from './scale';

const COMMANDS: Array<[string, KubectlCommand]> = [
  ['scale', scaleCommand],
  ['label', labelCommand],
  ['annotate', annotateCommand],
  ['cordon', cordonCommand],
  ['uncordon', uncordonCommand],
  ['drain', drainCommand],
  ['run', runCommand],
  ['expose', exposeCommand],
  ['create-deployment', createDeploymentCommand],
];

describe.each(COMMANDS)('%s --help', (file, cmd) => {
  test('matches the golden file', async () => {
    await expect(cmd.help).toMatchFileSnapshot(`../__golden__/help/${file}.txt`);
  });

  test('lists exactly the flags the command accepts, sorted, with their usage', () => {
    const heads = [...cmd.help.matchAll(/^ {4}(?:-(\w), )?--([\w-]+)=/gm)].map((m) => m[2]);
    // Deprecated flags (`--record`) are accepted but hidden, as pflag hides them.
    const shown = cmd.flags.filter((f) => !f.deprecated);
    expect(heads).toEqual(shown.map((f) => f.name).sort());
    // Wrapping drops the blanks at a break (`called.  Default` may become two lines).
    const squash = (s: string) => s.replace(/\s+/g, ' ');
    const flat = squash(cmd.help);
    for (const f of shown) expect(flat.includes(squash(f.usage))).toBe(true);
  });

  test('ends with the global-options tip; no line is wider than 120', () => {
    expect(
      cmd.help.endsWith(
        'Use "kubectl options" for a list of global command-line options (applies to all commands).\n',
      ),
    ).toBe(true);
    for (const line of cmd.help.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });
});

test.each([
  ['scale --help', scaleCommand],
  ['label -h', labelCommand],
  ['drain node1 --help', drainCommand],
  ['run --help', runCommand],
  ['expose deploy x -h', exposeCommand],
])('kubectl %s prints the help', (line, cmd) => {
  expect(kubectlFixture().run(line)).toEqual({ stdout: cmd.help, stderr: '', exitCode: 0 });
});
