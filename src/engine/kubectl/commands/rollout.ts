/**
 * `kubectl rollout SUBCOMMAND`: history, pause, restart, resume, status, undo.
 *
 * Models kubectl pkg/cmd/rollout/rollout.go. The group itself only prints its help (cobra's
 * DefaultSubCommandRun); each sub-command lives in `rollout/`.
 */
import type { KubectlCommand } from '../types';
import { historyCommand } from './rollout/history';
import { pauseCommand, restartCommand, resumeCommand } from './rollout/patchers';
import { statusCommand } from './rollout/status';
import { undoCommand } from './rollout/undo';
import { OPTIONS_TIP } from '../help';

/**
 * The long description as kubectl renders it: the first line was a markdown code block
 * (indented by tabs in the source), hence the line of eight spaces after it.
 */
const ROLLOUT_HELP =
  'Manage the rollout of one or many resources.\n' +
  '        \n' +
  ' Valid resource types include:\n' +
  '\n' +
  '  *  deployments\n' +
  '  *  daemonsets\n' +
  '  *  statefulsets\n' +
  '\n' +
  'Examples:\n' +
  '  # Rollback to the previous deployment\n' +
  '  kubectl rollout undo deployment/abc\n' +
  '  \n' +
  '  # Check the rollout status of a daemonset\n' +
  '  kubectl rollout status daemonset/foo\n' +
  '  \n' +
  '  # Restart a deployment\n' +
  '  kubectl rollout restart deployment/abc\n' +
  '  \n' +
  "  # Restart deployments with the 'app=nginx' label\n" +
  '  kubectl rollout restart deployment --selector=app=nginx\n' +
  '\n' +
  'Available Commands:\n' +
  '  history       View rollout history\n' +
  '  pause         Mark the provided resource as paused\n' +
  '  restart       Restart a resource\n' +
  '  resume        Resume a paused resource\n' +
  '  status        Show the status of the rollout\n' +
  '  undo          Undo a previous rollout\n' +
  '\n' +
  'Usage:\n' +
  '  kubectl rollout SUBCOMMAND [options]\n' +
  '\n' +
  'Use "kubectl <command> --help" for more information about a given command.\n' +
  OPTIONS_TIP;

export const rolloutCommand: KubectlCommand = {
  name: 'rollout',
  short: 'Manage the rollout of a resource',
  help: ROLLOUT_HELP,
  flags: [],
  subcommands: [
    historyCommand,
    pauseCommand,
    restartCommand,
    resumeCommand,
    statusCommand,
    undoCommand,
  ],
};
